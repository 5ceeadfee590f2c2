import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/client/index.js';
import { isTcpcmdError } from '../../src/protocol/index.js';
import { startCliServer, type CliServer } from '../helpers/cli.js';
import { RawClient, onCleanup, startServer } from '../helpers/servers.js';
import { eventually, isDead, killPids, readPids, rssKib } from './helpers/procs.js';

const MiB = 1024;

/** A raw socket that never reads: what the server sends piles up in the kernel, then in the server if it were careless. */
async function deafSocket(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.pause();
  onCleanup(() => void socket.destroy());
  return socket;
}

/** Writes `chunk` over and over for `ms`, as fast as the socket takes it (stops pushing when the server stops reading). */
async function flood(socket: net.Socket, chunk: Buffer, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let sent = 0;
  while (Date.now() < until && !socket.destroyed) {
    if (socket.write(chunk)) {
      sent += chunk.length;
      continue;
    }
    sent += chunk.length;
    // Wait for room, but not past the deadline: a server that stopped reading never makes room.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, until - Date.now()));
      socket.once('drain', () => { clearTimeout(timer); resolve(); });
    });
  }
  return sent;
}

/** Three floods from clients that never read: tiny bad frames, pipelined runs, inline commands. */
function floodsOn(deaf: net.Socket[], ms: number): Promise<number>[] {
  deaf[0]?.write('{"type":"hello","protocol":1}\n');
  deaf[1]?.write('{"type":"hello","protocol":1}\n');
  return [
    flood(deaf[0] as net.Socket, Buffer.from('x\n'.repeat(8192)), ms),
    flood(deaf[1] as net.Socket, Buffer.from(Array.from({ length: 200 }, (_, i) => `{"type":"run","id":${i},"cmd":"echo flood"}\n`).join('')), ms),
    flood(deaf[2] as net.Socket, Buffer.from('echo flood\n'.repeat(2000)), ms),
  ];
}

/** The garbage collector, from a test process not started with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Closes our sending side and waits until the server has closed the
 * connection: it has read everything we sent and answered what it answers.
 */
async function readToTheEnd(c: RawClient): Promise<void> {
  const closed = c.closed ? Promise.resolve() : new Promise<void>((resolve) => c.socket.once('close', () => resolve()));
  c.socket.end();
  await closed;
}

async function stillAnswers(server: CliServer | { target: string }): Promise<void> {
  // A server still working through a flood's backlog on a busy machine may take a while to answer: the test's timeout bounds it.
  const conn = await connect(server.target, { connectTimeoutMs: 30_000 });
  expect((await conn.run('echo alive')).stdout).toBe('alive\n');
  await conn.close();
}

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-hostile-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** A shell line that records its process tree (sh, two background sleeps, one in a subshell, and `last`: `yes` floods output) in `pidFile`. */
function treeCommand(pidFile: string, last = 'yes'): string {
  return `linux:echo $$ >> ${pidFile}; sleep 300 & echo $! >> ${pidFile}; (sleep 301 >/dev/null 2>&1 & echo $! >> ${pidFile}); ${last} & echo $! >> ${pidFile}; wait`;
}

async function expectTreeDead(pids: number[]): Promise<void> {
  onCleanup(() => killPids(pids));
  expect(pids).toHaveLength(4);
  const dead = await eventually(() => pids.every(isDead), 8_000);
  expect({ pids, alive: pids.filter((p) => !isDead(p)) }).toEqual({ pids, alive: [] });
  expect(dead).toBe(true);
}

describe('hostile input: the server stays up and its memory bounded', () => {
  // Bounded at 150 s: a connection refused before its handshake is held 0.5 s before the server closes it (docs/security.md),
  // and the fuzzing waits for every close, some 270 connections one after another: about a minute on a quiet machine.
  it('fuzz: random bytes, broken and wrong-typed frames, oversized lines, floods; then it still answers', { timeout: 150_000 }, async () => {
    // Builtins only, no admin, no ping: random command lines must not touch the machine or the network.
    const server = await startCliServer(['--no-shell', '--no-admin', '--deny', 'ping*', '--auth-timeout', '3000']);
    const pid = server.child.pid ?? 0;
    for (let i = 0; i < 3; i++) await stillAnswers(server); // warm up, then measure
    const before = rssKib(pid);

    // 1. Random bytes on fresh connections, some cut off at once; the others wait until the server has read them all.
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 16_384 }), fc.boolean(), async (bytes, cut) => {
      const c = await RawClient.connect(server.port);
      c.send(Buffer.from(bytes));
      if (cut) c.socket.destroy();
      else await readToTheEnd(c);
    }), { seed: 20261125, numRuns: 120 });

    // 2. Frames of every wrong shape after a handshake (and before one), invalid UTF-8 and truncated lines between.
    const anyId = fc.oneof(fc.integer(), fc.string({ maxLength: 200 }), fc.constant(null), fc.double(), fc.object());
    const commandLine = fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom('echo x', 'help', 'info', 'version', 'disk /', 'kill', 'reset', 'linux:id', 'ping 127.0.0.1', 'hostname', 'bogus'));
    const frame = fc.oneof(
      fc.record({ type: fc.constantFrom('run', 'cancel', 'auth', 'hello', 'bye', 'out', 'done', '__proto__', ''), id: anyId, cmd: fc.oneof(commandLine, fc.anything()), timeout: fc.anything(), hmac: fc.anything(), protocol: fc.anything() }, { requiredKeys: ['type'] }),
      fc.jsonValue(),
    ).map((v) => Buffer.from(`${JSON.stringify(v) ?? 'null'}\n`));
    const junk = fc.oneof(
      frame,
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from(b), Buffer.from([0xc3, 0x28, 0x0a])])), // invalid UTF-8 line
      fc.string({ maxLength: 40 }).map((s) => Buffer.from(`{"type":"run","id":1,"cmd":${JSON.stringify(s)}`)), // truncated, no newline
    );
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.array(junk, { minLength: 1, maxLength: 25 }), async (handshake, lines) => {
      const c = await RawClient.connect(server.port);
      if (handshake) await c.handshake();
      c.send(Buffer.concat(lines));
      await readToTheEnd(c);
    }), { seed: 4242, numRuns: 150 });
    await stillAnswers(server);

    // 3. Oversized lines (3 MiB, no newline), before and after the handshake; deep nesting.
    await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => {
      const c = await RawClient.connect(server.port);
      if (i % 2) await c.handshake();
      c.send(Buffer.alloc(3 * 1024 * 1024, i % 3 === 0 ? '[' : 'a'));
      await c.closedByServer(10_000);
    }));

    const afterFuzz = rssKib(pid);

    // 4. Floods of small frames from clients that never read: bad frames, runs, inline commands.
    //    (That RSS is a plateau, not a leak, the next test shows with the heap itself.)
    const rounds: number[] = [];
    let pushed = 0;
    for (let round = 0; round < 2; round++) {
      const deaf = await Promise.all([0, 1, 2].map(() => deafSocket(server.port)));
      const sent = await Promise.all(floodsOn(deaf, 1_000));
      pushed += sent.reduce((a, b) => a + b, 0);
      rounds.push(rssKib(pid));
      await stillAnswers(server); // other sessions are not held up by the floods
      for (const s of deaf) s.destroy();
    }

    await stillAnswers(server);
    const after = rssKib(pid);
    const mib = (kib: number): string => `${Math.round(kib / MiB)} MiB`;
    console.log(`fuzz: server RSS ${mib(before)} before, ${mib(afterFuzz)} after 270 fuzz connections and 6 oversized lines, ${rounds.map(mib).join(' then ')} during two rounds of floods from clients that never read (${Math.round(pushed / 1024 / 1024)} MiB pushed before the server stopped reading), ${mib(after)} after`);
    expect(Math.max(...rounds, after) - before).toBeLessThan(150 * MiB);
    // Floods of bad frames do not flood the log: protocol errors are logged a few per session.
    expect(server.log().length).toBeLessThan(8 * 1024 * 1024);
    expect(server.child.exitCode).toBeNull();
  });

  it('no leak: after rounds of floods the heap is back where it started (in-process server, forced GC)', async () => {
    const gc = collector();
    const { target, port, server } = await startServer({ policy: { shell: false, admin: false, deny: ['ping*'] } });
    await stillAnswers({ target });
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const start = heap();
    const after: number[] = [];
    for (let round = 0; round < 3; round++) {
      const deaf = await Promise.all([0, 1, 2].map(() => deafSocket(port)));
      await Promise.all(floodsOn(deaf, 400));
      for (const s of deaf) s.destroy();
      expect(await eventually(() => server.sessionCount === 0)).toBe(true);
      after.push(heap());
    }
    console.log(`floods in-process: heap ${(start / 1024 / 1024).toFixed(1)} MiB before, ${after.map((h) => (h / 1024 / 1024).toFixed(1)).join(' / ')} MiB after each of 3 rounds`);
    expect(Math.max(...after) - start).toBeLessThan(8 * 1024 * 1024);
  });

  it('a client that asks for endless output and never reads: the child is paused by backpressure, memory stays flat, others go on', async () => {
    const server = await startCliServer();
    const pid = server.child.pid ?? 0;
    await stillAnswers(server);
    const before = rssKib(pid);
    const pidFile = tempFile('pids');
    const slow = await deafSocket(server.port);
    slow.write('{"type":"hello","protocol":1}\n');
    slow.write(`${JSON.stringify({ type: 'run', id: 1, cmd: treeCommand(pidFile) })}\n`);
    const pids = await readPids(pidFile, 4);
    await new Promise((r) => setTimeout(r, 1_500));
    const mid = rssKib(pid);
    await new Promise((r) => setTimeout(r, 1_500));
    const late = rssKib(pid);
    const others: Connection[] = await Promise.all([1, 2, 3].map(() => connect(server.target)));
    const answers = await Promise.all(others.map((c, i) => c.run(`echo other ${i}`)));
    expect(answers.map((a) => a.stdout)).toEqual(['other 0\n', 'other 1\n', 'other 2\n']);
    await Promise.all(others.map((c) => c.close()));
    console.log(`slow reader: server RSS ${Math.round(before / MiB)} MiB before, ${Math.round(mid / MiB)} MiB after 1.5 s, ${Math.round(late / MiB)} MiB after 3 s of \`yes\` into a client that never reads`);
    expect(late - before).toBeLessThan(64 * MiB);
    expect(late - mid).toBeLessThan(16 * MiB); // not growing
    // The client vanishes mid-output: its whole process tree goes with it.
    slow.destroy();
    await expectTreeDead(pids);
  });

  it('300 idle connections (silent and after hello) while another client works; silent ones hold no session slot and are dropped', async () => {
    const server = await startCliServer(['--auth-timeout', '2500']);
    const pid = server.child.pid ?? 0;
    const worker = await connect(server.target);
    onCleanup(() => worker.close());
    await stillAnswers(server);
    const before = rssKib(pid);
    const idle: RawClient[] = [];
    for (let i = 0; i < 300; i++) {
      const c = await RawClient.connect(server.port);
      if (i >= 150) c.sendFrame({ type: 'hello', protocol: 1 });
      idle.push(c);
    }
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => worker.run(`echo work ${i}`)));
    expect(results.every((r, i) => r.stdout === `work ${i}\n`)).toBe(true);
    const withIdle = rssKib(pid);
    // The 150 that said hello are sessions; of the silent ones, at most --max-per-address (64) keep a place in the handshake.
    const talked = idle.slice(150);
    for (const c of talked) expect(await c.nextFrame()).toMatchObject({ type: 'hello' });
    const silent = idle.slice(0, 150);
    expect(await eventually(() => silent.filter((c) => !c.closed).length <= 64)).toBe(true);
    // The rest of the silent ones are dropped at --auth-timeout.
    expect(await eventually(() => silent.every((c) => c.closed), 8_000)).toBe(true);
    const late = await connect(server.target);
    expect((await late.run('echo room again')).stdout).toBe('room again\n');
    await late.close();
    console.log(`300 idle connections: server RSS ${Math.round(before / MiB)} MiB before, ${Math.round(withIdle / MiB)} MiB with them open`);
    expect(withIdle - before).toBeLessThan(64 * MiB);
    for (const c of idle) c.socket.destroy();
  });
});

describe('out of file descriptors', () => {
  it.skipIf(!existsSync('/usr/bin/prlimit'))('more connections than the server has descriptors: it survives, and serves again once they go', async () => {
    const server = await startCliServer();
    execFileSync('/usr/bin/prlimit', ['--pid', String(server.child.pid), '--nofile=64:64']);
    const sockets = Array.from({ length: 150 }, () => {
      const s = net.connect({ host: '127.0.0.1', port: server.port });
      s.on('error', () => {});
      onCleanup(() => void s.destroy());
      return s;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(server.child.exitCode).toBeNull();
    for (const s of sockets) s.destroy();
    // Once descriptors are free again. While the kernel's backlog still holds the dead connections, Node
    // accepts and drops what it cannot serve (libuv's EMFILE handling), so a first try may be turned away.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await stillAnswers(server);
        break;
      } catch (err) {
        if (Date.now() > deadline || !isTcpcmdError(err, 'CONNECT_FAILED')) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
});

describe('child process trees are always reaped', () => {
  it('on cancel and on timeout, every process of the tree is killed', async () => {
    const server = await startCliServer();
    const conn = await connect(server.target);
    onCleanup(() => conn.close());

    const cancelFile = tempFile('cancel');
    const controller = new AbortController();
    const cancelled = conn.run(treeCommand(cancelFile), { signal: controller.signal, collect: false });
    const cancelPids = await readPids(cancelFile, 4);
    controller.abort();
    expect(await cancelled).toMatchObject({ cancelled: true, error: { code: 'CANCELLED' } });
    await expectTreeDead(cancelPids);

    const timeoutFile = tempFile('timeout');
    const timed = await conn.run(treeCommand(timeoutFile, 'sleep 302'), { timeout: 700, collect: false });
    expect(timed).toMatchObject({ timedOut: true, error: { code: 'TIMEOUT' } });
    await expectTreeDead(await readPids(timeoutFile, 4));
    expect((await conn.run('echo next')).stdout).toBe('next\n');
  });

  it('when the server must exit at once (a second Ctrl+C), it takes the running trees with it', async () => {
    const server = await startCliServer();
    const conn = await connect(server.target);
    const file = tempFile('sigint');
    void conn.run(treeCommand(file), { collect: false }).catch(() => undefined);
    const pids = await readPids(file, 4);
    server.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(130);
    await expectTreeDead(pids);
  });
});
