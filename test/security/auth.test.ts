import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { authProof } from '../../src/protocol/auth.js';
import { AuthPenalties } from '../../src/server/index.js';
import { runCli, startCliServer, type CliServer } from '../helpers/cli.js';
import { testCommands } from '../helpers/commands.js';
import { RawClient, onCleanup, startServer } from '../helpers/servers.js';
import { logMatching, memoryLogger } from './helpers/logs.js';

const commands = testCommands;
const TOKEN = 'a-long-random-test-token-0123456789abcdef';

/** A token server whose log the test reads. */
async function tokenServer(limits: Record<string, number> = {}) {
  const logger = memoryLogger();
  const started = await startServer({ commands, token: TOKEN, logger, limits });
  return { ...started, logger };
}

/** A TCP relay that records every byte both ways: what an eavesdropper on the network sees. */
async function eavesdropper(port: number): Promise<{ port: number; seen: () => string }> {
  const chunks: Buffer[] = [];
  const relay = net.createServer((inbound) => {
    const outbound = net.connect({ host: '127.0.0.1', port });
    inbound.on('data', (d: Buffer) => { chunks.push(d); outbound.write(d); });
    outbound.on('data', (d: Buffer) => { chunks.push(d); inbound.write(d); });
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
    inbound.on('error', () => {});
    outbound.on('error', () => {});
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  onCleanup(() => new Promise<void>((r) => { relay.close(() => r()); }));
  return { port: (relay.address() as net.AddressInfo).port, seen: () => Buffer.concat(chunks).toString('latin1') };
}

describe('token auth against hostile clients', () => {
  it('runs nothing before auth: every way of skipping it is refused, closed and nothing runs', async () => {
    const { port, logger } = await tokenServer();
    const attempts: { name: string; send: (c: RawClient) => Promise<void> | void; code: string }[] = [
      { name: 'run before hello', send: (c) => c.sendFrame({ type: 'run', id: 1, cmd: 'echo pwned' }), code: 'BAD_FRAME' },
      { name: 'auth before hello', send: (c) => c.sendFrame({ type: 'auth', hmac: '0'.repeat(64) }), code: 'BAD_FRAME' },
      { name: 'inline command', send: (c) => c.send('echo pwned\n'), code: 'AUTH_REQUIRED' },
      { name: 'run after hello', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'run', id: 1, cmd: 'echo pwned' }); }, code: 'AUTH_REQUIRED' },
      { name: 'cancel after hello', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'cancel', id: 1 }); }, code: 'AUTH_REQUIRED' },
      { name: 'second hello', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'hello', protocol: 1 }); }, code: 'AUTH_REQUIRED' },
      { name: 'hmac not hex', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'auth', hmac: 'z'.repeat(64) }); }, code: 'BAD_FRAME' },
      { name: 'hmac too short', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'auth', hmac: 'ab' }); }, code: 'BAD_FRAME' },
      { name: 'hmac a number', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'auth', hmac: 12 }); }, code: 'BAD_FRAME' },
      { name: 'the token itself', send: async (c) => { await c.handshake(); c.sendFrame({ type: 'auth', hmac: TOKEN }); }, code: 'BAD_FRAME' },
      { name: 'garbage after hello', send: async (c) => { await c.handshake(); c.send(Buffer.from([0xff, 0xfe, 0x0a])); }, code: 'BAD_FRAME' },
    ];
    for (const attempt of attempts) {
      const c = await RawClient.connect(port);
      await attempt.send(c);
      const line = (await c.nextLine()) ?? '';
      // JSON mode answers with an error frame, inline mode with `[error CODE] message`.
      const code = line.startsWith('{') ? JSON.parse(line).code : /^\[error (\w+)\]/.exec(line)?.[1];
      expect({ attempt: attempt.name, code }).toEqual({ attempt: attempt.name, code: attempt.code });
      await c.closedByServer();
    }
    // The inline attempt is answered in text; all of them closed; none ran.
    expect(logger.of('run')).toEqual([]);
    expect(logger.of('authenticated')).toEqual([]);
  });

  it('refuses a wrong proof after a delay, closes, logs the peer, and never runs what was sent behind it', async () => {
    const { port, logger } = await tokenServer({ authFailDelayMs: 1_500 });
    const c = await RawClient.connect(port);
    const ourPort = c.socket.localPort;
    const { hello } = await c.handshake();
    c.sendFrame({ type: 'auth', hmac: authProof('a-wrong-guess', hello.nonce) });
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo pwned' });
    // The answer is delayed (it slows guessing): nothing within the first part of the delay.
    await expect(c.nextLine(300)).rejects.toThrow(/no line/);
    expect(await c.nextFrame(5_000)).toMatchObject({ type: 'error', code: 'AUTH_FAILED', fatal: true });
    await c.closedByServer();
    const [failed] = logger.of('auth-failed');
    expect(failed?.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(failed?.peer).toBe(`127.0.0.1:${ourPort}`);
    expect(logger.of('run')).toEqual([]);
  });

  it("refuses a proof replayed from another connection (the nonce is fresh each time)", async () => {
    const { port } = await tokenServer();
    const first = await RawClient.connect(port);
    const { hello: h1 } = await first.handshake();
    const recorded = authProof(TOKEN, h1.nonce);
    first.sendFrame({ type: 'auth', hmac: recorded });
    expect(await first.nextFrame()).toMatchObject({ type: 'ready' });
    const second = await RawClient.connect(port);
    const { hello: h2 } = await second.handshake();
    expect(h2.nonce).not.toBe(h1.nonce);
    second.sendFrame({ type: 'auth', hmac: recorded });
    expect(await second.nextFrame()).toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('never puts the token on the wire: an eavesdropper sees only the nonce and the proof', async () => {
    const { port } = await tokenServer();
    const tap = await eavesdropper(port);
    const conn = await connect(`127.0.0.1:${tap.port}`, { token: TOKEN });
    expect((await conn.run('echo in')).stdout).toBe('in\n');
    await conn.close();
    const wire = tap.seen();
    expect(wire).toContain('"type":"auth"');
    expect(wire).not.toContain(TOKEN);
    expect(wire).not.toContain(Buffer.from(TOKEN).toString('base64'));
  });

  it('drops a silent peer at the auth timeout; it never holds a session slot, with or without a token', async () => {
    for (const token of [TOKEN, undefined]) {
      const logger = memoryLogger();
      const { port } = await startServer({ commands, logger, ...(token ? { token } : {}), limits: { authTimeoutMs: 300, maxSessions: 1 } });
      const silent = await RawClient.connect(port);
      // The one session slot goes to the client that finishes the handshake, not to the silent peer ...
      const conn = await connect(`127.0.0.1:${port}`, { token: TOKEN });
      expect((await conn.run('echo in')).stdout).toBe('in\n');
      // ... which is dropped at the auth timeout.
      expect(await silent.nextFrame(3_000)).toMatchObject({ type: 'error', code: 'AUTH_TIMEOUT' });
      await silent.closedByServer();
      // A second session is over the limit, and told so after its handshake.
      await expect(connect(`127.0.0.1:${port}`, { token: TOKEN })).rejects.toMatchObject({ code: 'TOO_MANY_SESSIONS' });
      await conn.close();
      expect(logger.of('protocol-error').map((e) => e.code)).toContain('AUTH_TIMEOUT');
    }
  });
});

describe('per-address penalties for failed proofs (as OpenSSH PerSourcePenalties)', () => {
  it('shuts an address out after repeated failures, a step longer each time, forgiving on success, never loopback, with bounded memory', () => {
    let now = 1_000_000;
    const p = new AuthPenalties({ after: 3, baseMs: 1_000, maxMs: 8_000, maxAddresses: 100, now: () => now });
    for (let i = 0; i < 2; i++) p.failed('192.0.2.7');
    expect(p.blockedFor('192.0.2.7')).toBe(0);
    p.failed('192.0.2.7');
    expect(p.blockedFor('192.0.2.7')).toBe(1_000);
    p.failed('192.0.2.7');
    expect(p.blockedFor('192.0.2.7')).toBe(2_000);
    p.failed('192.0.2.7');
    expect(p.blockedFor('192.0.2.7')).toBe(3_000); // a step at a time, not doubling
    for (let i = 0; i < 10; i++) p.failed('192.0.2.7');
    expect(p.blockedFor('192.0.2.7')).toBe(8_000); // capped
    now += 8_001;
    expect(p.blockedFor('192.0.2.7')).toBe(0);
    p.succeeded('192.0.2.7');
    expect(p.size).toBe(0);
    for (let i = 0; i < 10; i++) p.failed('127.0.0.1');
    expect(p.blockedFor('127.0.0.1')).toBe(0);
    for (let i = 0; i < 500; i++) p.failed(`198.51.100.${i % 250}.${i}`);
    expect(p.size).toBe(100);
  });
});

describe('token auth from the command line', () => {
  it('exec: a missing or wrong token is one clear line and exit 255; the right one from TCPCMD_TOKEN or --token-file works', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: TOKEN });
    const missing = await runCli(['exec', server.target, 'hostname'], { env: { TCPCMD_TOKEN: '' } });
    expect(missing.code).toBe(255);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/requires a token: set TCPCMD_TOKEN .*--token-file.*\(AUTH_REQUIRED\)$/m);

    const wrong = await runCli(['exec', server.target, 'hostname'], { env: { TCPCMD_TOKEN: 'not-the-token' } });
    expect(wrong.code).toBe(255);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/authentication failed.*TCPCMD_TOKEN or --token-file.*\(AUTH_FAILED\)$/m);

    const right = await runCli(['exec', server.target, 'echo', 'in'], { env: { TCPCMD_TOKEN: TOKEN } });
    expect(right).toMatchObject({ code: 0, stdout: 'in\n' });
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-token-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const fromFile = await runCli(['exec', server.target, '--token-file', file, 'echo', 'file'], { env: { TCPCMD_TOKEN: '' } });
    expect(fromFile).toMatchObject({ code: 0, stdout: 'file\n' });

    expect(server.log()).toMatch(/127\.0\.0\.1:\d+ session \w+ AUTH_FAILED/);
    expect(server.log()).toMatch(/127\.0\.0\.1:\d+ session \w+ authenticated/);
  });

  it('run: a wrong or missing token is exit 3; a targets file token_env names the variable that holds it', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: TOKEN });
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-run-auth-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const commandsCsv = join(dir, 'commands.csv');
    writeFileSync(commandsCsv, 'command\necho batch\n');
    for (const token of ['', 'not-the-token']) {
      const r = await runCli(['run', commandsCsv, '--target', server.target], { env: { TCPCMD_TOKEN: token } });
      expect({ token, code: r.code }).toEqual({ token, code: 3 });
      expect(r.stderr + r.stdout).toMatch(token ? /AUTH_FAILED/ : /AUTH_REQUIRED/);
    }
    const targets = join(dir, 'servers.csv');
    writeFileSync(targets, `host,port,name,token_env\n127.0.0.1,${server.port},web,WEB_TOKEN\n`);
    const viaTargets = await runCli(['run', commandsCsv, '--targets', targets], { env: { TCPCMD_TOKEN: '', WEB_TOKEN: TOKEN } });
    expect(viaTargets.code).toBe(0);
    expect(viaTargets.stdout).toContain('batch');
  });

  it('serve: the commands it runs do not inherit the token, and a short token is warned about', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: TOKEN });
    const env = await runCli(['exec', server.target, 'linux:env'], { env: { TCPCMD_TOKEN: TOKEN } });
    expect(env.code).toBe(0);
    expect(env.stdout).toContain('PATH=');
    expect(env.stdout).not.toContain('TCPCMD_TOKEN');
    expect(env.stdout).not.toContain(TOKEN);
    const weak = await startCliServer([], { TCPCMD_TOKEN: 's3cret' });
    await logMatching(weak, /WARNING: the token is only 6 characters/);
  });

  it('serve: a token from TCPCMD_TOKEN is still in /proc/<pid>/environ, and the start-up notice says so and points to --token-file; from --token-file it is in neither', async () => {
    const environ = (server: CliServer): string => `linux:tr '\\0' '\\n' < /proc/${server.child.pid ?? 0}/environ`;
    const fromEnv = await startCliServer([], { TCPCMD_TOKEN: TOKEN });
    const notice = `/proc/${fromEnv.child.pid ?? 0}/environ`;
    const log = await logMatching(fromEnv, /NOTICE: the token came from TCPCMD_TOKEN/);
    expect(log).toContain(notice);
    expect(log).toMatch(/--token-file FILE \(chmod 600\) instead/);
    const leaked = await runCli(['exec', fromEnv.target, environ(fromEnv)], { env: { TCPCMD_TOKEN: TOKEN } });
    expect(leaked.code).toBe(0);
    expect(leaked.stdout).toContain(`TCPCMD_TOKEN=${TOKEN}`); // what the notice warns of

    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-token-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const fromFile = await startCliServer(['--token-file', file], { TCPCMD_TOKEN: '' });
    const clean = await runCli(['exec', fromFile.target, environ(fromFile)], { env: { TCPCMD_TOKEN: TOKEN } });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('PATH=');
    expect(clean.stdout).not.toContain(TOKEN);
    expect(fromFile.log()).not.toContain('came from TCPCMD_TOKEN');
  });
});
