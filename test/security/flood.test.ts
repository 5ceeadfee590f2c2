import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { CONNECT_ATTEMPTS } from '../../src/client/connect.js';
import { authProof } from '../../src/protocol/auth.js';
import { HANDSHAKE_MAX_FRAME, MAX_FRAME_DEPTH, nestsWithin, parseClientMessage } from '../../src/protocol/index.js';
import { runCli, startCliServer, type CliServer } from '../helpers/cli.js';
import { RawClient, onCleanup, startServer } from '../helpers/servers.js';
import { memoryLogger } from './helpers/logs.js';
import { eventually, rssKib } from './helpers/procs.js';

const TOKEN = 'flood-test-token-0123456789abcdef';
const HOSTILE = fileURLToPath(new URL('../../scripts/bench/hostile-clients.mjs', import.meta.url));

/** `levels` of nested arrays inside a hello: costly to parse, cheap to send. */
function deepHello(levels: number): string {
  return `{"type":"hello","protocol":1,"x":${'['.repeat(levels)}${']'.repeat(levels)}}\n`;
}

/** Runs the hostile clients (silent, deep-JSON, trickling) against `port` for `seconds`; resolves when they are gone. */
function hostile(port: number, seconds: number, silent: number, deep: number, trickle: number): Promise<{ connections: Record<string, number> }> {
  const child = spawn(process.execPath, [HOSTILE, String(port), String(seconds), String(silent), String(deep), String(trickle)], { stdio: ['ignore', 'pipe', 'inherit'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hostile clients exited ${code}`)))));
}

/** Real `tcpcmd exec … hostname` runs, one after another, while `until` is pending; their exit codes and times. */
async function execsDuring(server: CliServer, until: Promise<unknown>, least = 3): Promise<{ codes: (number | null)[]; ms: number[]; peakRssKib: number }> {
  let over = false;
  void until.then(() => (over = true));
  const codes: (number | null)[] = [];
  const ms: number[] = [];
  let peakRssKib = 0;
  while (!over || codes.length < least) {
    const start = performance.now();
    const r = await runCli(['exec', server.target, 'hostname'], { env: { TCPCMD_TOKEN: TOKEN }, timeoutMs: 30_000 });
    ms.push(Math.round(performance.now() - start));
    codes.push(r.code);
    if (r.code !== 0) console.log(`exec under flood failed: ${r.stderr.trim()}`);
    peakRssKib = Math.max(peakRssKib, rssKib(server.child.pid ?? 0));
  }
  return { codes, ms, peakRssKib };
}

describe('before the handshake: small frames, bounded work', () => {
  it('checks nesting before parsing: a frame nested past the limit is refused without JSON.parse', () => {
    expect(nestsWithin('{"a":[[["]]]]]]]"]]]}', 4)).toBe(true); // brackets in strings do not count
    expect(nestsWithin('{"a":"\\"[[[[[["}', 1)).toBe(true);
    expect(nestsWithin('[[[[[]]]]]', 4)).toBe(false);
    const parsed = parseClientMessage(deepHello(200_000).trimEnd());
    expect(parsed).toEqual({ ok: false, message: `frame nests deeper than ${MAX_FRAME_DEPTH} levels` });
  });

  it('a 1 MiB deep hello is cut at 4 KiB; a small deep one is refused; after auth a deep frame is a BAD_FRAME and the session goes on', async () => {
    const logger = memoryLogger();
    const { port, server } = await startServer({ token: TOKEN, logger });
    const big = await RawClient.connect(port);
    big.send(deepHello(500_000));
    expect(await big.nextFrame()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE', fatal: true, message: `a frame passed the limit of ${HANDSHAKE_MAX_FRAME} bytes for frames before the handshake is done` });
    await big.closedByServer();

    const small = await RawClient.connect(port);
    small.send(deepHello(1_000));
    expect(await small.nextFrame()).toMatchObject({ type: 'error', code: 'BAD_FRAME', fatal: true, message: `frame nests deeper than ${MAX_FRAME_DEPTH} levels` });

    const authed = await RawClient.connect(port);
    const { hello } = await authed.handshake();
    authed.sendFrame({ type: 'auth', hmac: authProof(TOKEN, hello.nonce) });
    expect(await authed.nextFrame()).toMatchObject({ type: 'ready' });
    authed.send(`{"type":"run","id":1,"cmd":"echo x","x":${'['.repeat(300_000)}${']'.repeat(300_000)}}\n`); // 600 kB: under the 1 MiB limit after auth
    expect(await authed.nextFrame()).toMatchObject({ type: 'error', code: 'BAD_FRAME', fatal: false, message: `frame nests deeper than ${MAX_FRAME_DEPTH} levels` });
    authed.sendFrame({ type: 'run', id: 2, cmd: 'echo still here' });
    expect((await authed.untilDone(2))[0]).toMatchObject({ type: 'out', data: 'still here\n' });
    await server.close();
    // Refusals before the handshake are counted per address, not logged one by one.
    expect(logger.of('protocol-error').map((e) => e.code).sort()).toEqual(['BAD_FRAME', 'BAD_FRAME', 'FRAME_TOO_LARGE']);
  });

  it('failure 1: 20 deep-JSON senders against a token server: real exec runs all succeed and the server stays small', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: TOKEN });
    const attack = hostile(server.port, 6, 0, 20, 0);
    const { codes, ms, peakRssKib } = await execsDuring(server, attack);
    const { connections } = await attack;
    console.log(`deep JSON flood: ${connections.deep} 1 MiB deep hellos; exec hostname ${ms.join(', ')} ms (exit ${codes.join(',')}); server RSS peak ${Math.round(peakRssKib / 1024)} MiB`);
    expect(codes.every((c) => c === 0)).toBe(true);
    // The server's memory under this flood is a figure, printed above and kept in `npm run bench`
    // (hostile): it moves with the machine's speed, so no threshold here.
  });
});

describe('session slots: a budget for handshakes, per address, idle on whole frames, aggregated logs', () => {
  it('failure 2: 300 silent sockets that reconnect when dropped do not keep a real client out; the log stays short', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: TOKEN });
    const attack = hostile(server.port, 6, 300, 0, 0);
    const { codes, ms } = await execsDuring(server, attack);
    const { connections } = await attack;
    const lines = server.log().split('\n').length;
    console.log(`silent flood: ${connections.silent} silent connections; exec hostname ${ms.join(', ')} ms (exit ${codes.join(',')}); ${lines} log lines`);
    expect(codes.every((c) => c === 0)).toBe(true);
    // One line per address and kind per interval, plus the runs' own: not one per connection.
    expect(lines).toBeLessThan(100 + codes.length * 4);
  });

  it('--max-per-address: an address never holds more places in the handshake; its connection longest without progress makes room', async () => {
    const { port, server } = await startServer({ token: TOKEN, limits: { maxPerAddress: 3 } });
    const talkers = await Promise.all([1, 2, 3].map(() => RawClient.connect(port)));
    for (const t of talkers) await t.handshake(); // hello answered: waiting for auth
    const conn = await connect(`127.0.0.1:${port}`, { token: TOKEN });
    expect((await conn.run('echo in')).stdout).toBe('in\n');
    await conn.close();
    expect(await eventually(() => talkers.filter((t) => t.closed).length === 1)).toBe(true);
    expect(server.handshakeCount).toBeLessThanOrEqual(3);
  });

  it('a hello sent as it connects is heard before its connection can be closed to make room, however many silent ones from its address arrive with it', async () => {
    const { port } = await startServer({ token: TOKEN, limits: { maxPerAddress: 3 } });
    // Connected in the same turn, so the server accepts them together, the prompt one first, before reading any of them.
    const prompt = RawClient.connecting(port);
    prompt.sendFrame({ type: 'hello', protocol: 1 });
    const silent = Array.from({ length: 20 }, () => RawClient.connecting(port));
    expect(await prompt.nextFrame()).toMatchObject({ type: 'hello', auth: 'token' });
    // Judged silent once their chance to speak is over, the others beyond the address's share are closed.
    expect(await eventually(() => silent.filter((s) => s.closed).length >= silent.length - 3)).toBe(true);
  });

  it('a silent connection, once its chance to speak is over, makes room for one that talks', async () => {
    const { port } = await startServer({ token: TOKEN, limits: { maxPerAddress: 3 } });
    const silent = await Promise.all([1, 2, 3, 4].map(() => RawClient.connect(port)));
    // Four that never speak for a share of three: once judged silent, one of them is closed.
    expect(await eventually(() => silent.filter((s) => s.closed).length === 1)).toBe(true);
    const conn = await connect(`127.0.0.1:${port}`, { token: TOKEN });
    expect((await conn.run('echo in')).stdout).toBe('in\n');
    await conn.close();
    expect(silent.filter((s) => s.closed)).toHaveLength(2);
  });

  it('a client closed or refused for room before the server heard it tries again (CONNECT_ATTEMPTS in all); once the server spoke, it does not', async () => {
    const { port } = await startServer({ token: TOKEN });
    // In front of the real server: turns away the first `unheard` connections as a flooded server does, then passes them through.
    const front = async (turnAway: (socket: net.Socket, n: number) => boolean): Promise<{ port: number; seen: () => number }> => {
      let n = 0;
      const relay = net.createServer((socket) => {
        socket.on('error', () => {});
        if (turnAway(socket, ++n)) return;
        const back = net.connect({ host: '127.0.0.1', port });
        back.on('error', () => socket.destroy());
        socket.pipe(back).pipe(socket);
        socket.on('close', () => back.destroy());
      });
      onCleanup(() => void relay.close());
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      return { port: (relay.address() as net.AddressInfo).port, seen: () => n };
    };
    const tooMany = JSON.stringify({ type: 'error', code: 'TOO_MANY_SESSIONS', message: 'full', fatal: true }) + '\n';
    const flooded = await front((socket, n) => (n === 1 ? socket.destroy() : n === 2 ? socket.end(tooMany) : undefined, n <= 2));
    const conn = await connect(`127.0.0.1:${flooded.port}`, { token: TOKEN });
    expect((await conn.run('echo in')).stdout).toBe('in\n');
    await conn.close();
    expect(flooded.seen()).toBe(3);
    const full = await front((socket) => (socket.end(tooMany), true));
    await expect(connect(`127.0.0.1:${full.port}`, { token: TOKEN })).rejects.toMatchObject({ code: 'TOO_MANY_SESSIONS' });
    expect(full.seen()).toBe(CONNECT_ATTEMPTS);
    // The server's hello came: what was sent after it may have been read, so a close then is the answer, not tried again.
    const spoke = await front((socket) => (socket.end(JSON.stringify({ type: 'hello', protocol: 1, server: 'x', version: '0', auth: 'token', nonce: '00', features: [] }) + '\n'), true));
    await expect(connect(`127.0.0.1:${spoke.port}`, { token: TOKEN })).rejects.toBeDefined();
    expect(spoke.seen()).toBe(1);
  });

  it('--idle-timeout counts whole frames: a byte a second does not keep a session', async () => {
    const { port } = await startServer({ limits: { idleTimeoutMs: 400 } });
    const c = await RawClient.connect(port);
    await c.handshake();
    const frame = '{"type":"run","id":1,"cmd":"echo never finished"}';
    let at = 0;
    const trickle = setInterval(() => c.send(frame[at++ % frame.length] ?? ''), 100);
    onCleanup(() => clearInterval(trickle));
    expect(await c.nextFrame(10_000)).toMatchObject({ type: 'bye', code: 'IDLE_TIMEOUT' });
    await c.closedByServer();
  });

  it('refusals are logged once per address and kind, then counted in one line', async () => {
    const logger = memoryLogger();
    const { port, server } = await startServer({ logger });
    await Promise.all(Array.from({ length: 50 }, async () => {
      const c = await RawClient.connect(port);
      c.send(`${'x'.repeat(HANDSHAKE_MAX_FRAME + 10)}`.replace(/^/, '{'));
      await c.closedByServer();
    }));
    await server.close();
    expect(logger.of('protocol-error')).toHaveLength(1);
    const repeated = logger.of('repeated').find((e) => e.what === 'FRAME_TOO_LARGE');
    expect(repeated).toMatchObject({ address: '127.0.0.1', count: 49 });
  });
});
