import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { BIN, runCli, startCliServer, type CliResult } from '../helpers/cli.js';
import { testCommands } from '../helpers/commands.js';
import { RawClient, onCleanup, startServer } from '../helpers/servers.js';
import { makeCerts, pem, type TestCerts } from './helpers/certs.js';
import { memoryLogger } from './helpers/logs.js';
import { eventually } from './helpers/procs.js';

let certs: TestCerts;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs.remove());

function tlsArgs(which: 'a' | 'b' = 'a'): string[] {
  return ['--tls-cert', certs[which].cert, '--tls-key', certs[which].key];
}

/** A fresh known_hosts location for one test. */
function knownHostsDir(): { file: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-kh-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'known_hosts');
  return { file, env: { TCPCMD_KNOWN_HOSTS: file } };
}

function oneLine(r: CliResult): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

/** Runs the CLI in a pseudo-terminal (util-linux `script`), typing `answer` at the prompt. */
function runInTerminal(args: string[], answer: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output += d;
    if (/\(yes\/no\)\? $/.test(output)) child.stdin.write(`${answer}\n`);
  });
  child.stderr.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, output });
  }));
}

const hasScript = (() => {
  try {
    return statSync('/usr/bin/script').isFile();
  } catch {
    return false;
  }
})();

describe('TLS: server and CA / pinned clients', () => {
  it('prints its certificate fingerprint at start, and serves --ca and --fingerprint clients', async () => {
    const server = await startCliServer(tlsArgs());
    expect(server.log()).toContain(`(tls) certificate SHA-256 fingerprint ${certs.a.fingerprint}`);
    const ca = await runCli(['exec', '--ca', certs.a.cert, server.target, 'echo', 'over tls']);
    expect(ca).toMatchObject({ code: 0, stdout: 'over tls\n' });
    const byName = await runCli(['exec', '--ca', certs.a.cert, `localhost:${server.port}`, 'echo', 'by name']);
    expect(byName).toMatchObject({ code: 0, stdout: 'by name\n' });
    const pinned = await runCli(['exec', '--fingerprint', certs.a.fingerprint.toLowerCase().replace(/:/g, ''), server.target, 'echo', 'pinned']);
    expect(pinned).toMatchObject({ code: 0, stdout: 'pinned\n' });
  });

  it('refuses an untrusted certificate with a clear error: another CA, another pin, no pin at all', async () => {
    const server = await startCliServer(tlsArgs());
    const { env } = knownHostsDir();
    const otherCa = await runCli(['exec', '--ca', certs.b.cert, server.target, 'hostname'], { env });
    expect(otherCa.code).toBe(255);
    expect(oneLine(otherCa)).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted.*--ca FILE.*--fingerprint.*\(TLS_ERROR\)$/);
    const otherPin = await runCli(['exec', '--fingerprint', certs.b.fingerprint, server.target, 'hostname'], { env });
    expect(otherPin.code).toBe(255);
    expect(oneLine(otherPin)).toContain(`has SHA-256 fingerprint ${certs.a.fingerprint}, not the pinned ${certs.b.fingerprint}`);
    const bad = await runCli(['exec', '--fingerprint', 'abc', server.target, 'hostname'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons optional, as `tcpcmd serve` prints it), got "abc"');
    // The library without known_hosts trusts CAs only.
    await expect(connect(server.target, { tls: true })).rejects.toMatchObject({ code: 'TLS_ERROR', message: expect.stringContaining('self-signed') });
  });

  it('plain client to a TLS server, and TLS client to a plain server: both fail at once with what to do', async () => {
    const tlsServer = await startCliServer(tlsArgs());
    const plainServer = await startCliServer();
    // The connect timeout is set high: failing with these messages means no waiting for it.
    const plainToTls = await runCli(['exec', '--connect-timeout', '15000', tlsServer.target, 'hostname'], { timeoutMs: 10_000 });
    expect(plainToTls.code).toBe(255);
    expect(oneLine(plainToTls)).toMatch(/this server only speaks TLS: connect with --tls.*\(TLS_ERROR\)$/);
    const tlsToPlain = await runCli(['exec', '--connect-timeout', '15000', '--ca', certs.a.cert, plainServer.target, 'hostname'], { timeoutMs: 10_000 });
    expect(tlsToPlain.code).toBe(255);
    expect(oneLine(tlsToPlain)).toMatch(/does not speak TLS: connect without --tls \(TLS_ERROR\)$/);
    // The same through the library, with their stable codes.
    await expect(connect(tlsServer.target, { connectTimeoutMs: 15_000 })).rejects.toMatchObject({ code: 'TLS_ERROR' });
    await expect(connect(plainServer.target, { connectTimeoutMs: 15_000, tls: { ca: pem(certs.a.cert) } })).rejects.toMatchObject({ code: 'TLS_ERROR' });
    // A person with nc gets a line of text.
    const nc = await RawClient.connect(tlsServer.port);
    nc.send('hostname\n');
    expect(await nc.nextLine()).toMatch(/^\[error TLS_ERROR\] this server only speaks TLS/);
    await nc.closedByServer();
  });

  it('drops a client that starts a TLS handshake and never finishes it, and survives garbage that looks like TLS', async () => {
    const logger = memoryLogger();
    const { server, target, port } = await startServer({ commands: testCommands, logger, tls: { cert: pem(certs.a.cert), key: pem(certs.a.key) }, limits: { authTimeoutMs: 300 } });
    expect(server.fingerprint).toBe(certs.a.fingerprint);
    const stalled = await RawClient.connect(port);
    stalled.send(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a ClientHello header, then nothing
    await stalled.closedByServer(3_000);
    const garbage = await RawClient.connect(port);
    garbage.send(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x00, 0x10]), Buffer.alloc(4096, 0xab)]));
    await garbage.closedByServer(3_000);
    expect(logger.of('tls-error').map((e) => e.message).join('\n')).toMatch(/no TLS handshake within 300 ms[\s\S]*TLS handshake failed/);
    const conn = await connect(target, { tls: { ca: pem(certs.a.cert) } });
    expect((await conn.run('echo still up')).stdout).toBe('still up\n');
    await conn.close();
    expect(await eventually(() => server.sessionCount === 0)).toBe(true);
  });
});

describe('TLS: trust on first use (known_hosts)', () => {
  it('without a terminal, refuses an unknown server and prints its fingerprint and the ways to trust it', async () => {
    const server = await startCliServer(tlsArgs());
    const { file, env } = knownHostsDir();
    const r = await runCli(['exec', '--tls', server.target, 'hostname'], { env });
    expect(r.code).toBe(255);
    const line = oneLine(r);
    expect(line).toContain(`Its SHA-256 fingerprint is ${certs.a.fingerprint}`);
    expect(line).toContain(`--fingerprint ${certs.a.fingerprint}`);
    expect(line).toMatch(/--accept-new.*--ca FILE/);
    expect(line).toContain(`not in ${file}`);
    expect(() => statSync(file)).toThrow(); // nothing remembered
  });

  it('--accept-new remembers the server; later it is trusted, and a changed certificate is refused loudly', async () => {
    const { file, env } = knownHostsDir();
    const first = await startCliServer(tlsArgs('a'));
    const accepted = await runCli(['exec', '--accept-new', first.target, 'echo', 'first'], { env });
    expect(accepted).toMatchObject({ code: 0, stdout: 'first\n' });
    expect(accepted.stderr).toContain(`permanently added ${first.target} (SHA-256 ${certs.a.fingerprint})`);
    expect(readFileSync(file, 'utf8')).toBe(`${first.target} sha256 ${certs.a.fingerprint}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await runCli(['exec', '--tls', first.target, 'echo', 'again'], { env });
    expect(again).toMatchObject({ code: 0, stdout: 'again\n', stderr: '' });

    // Another server (another certificate) on the same address: an impostor as far as the client knows.
    first.child.kill('SIGTERM');
    await first.exited;
    const impostor = spawn(process.execPath, [BIN, 'serve', '--port', String(first.port), ...tlsArgs('b')], { stdio: ['ignore', 'ignore', 'pipe'] });
    onCleanup(() => void impostor.kill('SIGKILL'));
    await new Promise<void>((resolve) => impostor.stderr.setEncoding('utf8').on('data', (d: string) => d.includes('listening on') && resolve()));
    for (const flags of [['--tls'], ['--accept-new']]) {
      const changed = await runCli(['exec', ...flags, first.target, 'hostname'], { env });
      expect(changed.code).toBe(255);
      const line = oneLine(changed);
      expect(line).toMatch(/WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/);
      expect(line).toContain(`fingerprint ${certs.b.fingerprint}, but ${file}:1 remembers ${certs.a.fingerprint}`);
      expect(line).toContain(`delete line 1 of ${file}`);
    }
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps known_hosts in $XDG_STATE_HOME/tcpcmd/known_hosts by default', async () => {
    const server = await startCliServer(tlsArgs());
    const state = mkdtempSync(join(tmpdir(), 'tcpcmd-state-'));
    onCleanup(() => rmSync(state, { recursive: true, force: true }));
    const r = await runCli(['exec', '--accept-new', server.target, 'echo', 'ok'], { env: { TCPCMD_KNOWN_HOSTS: '', XDG_STATE_HOME: state } });
    expect(r.code).toBe(0);
    expect(readFileSync(join(state, 'tcpcmd', 'known_hosts'), 'utf8')).toContain(certs.a.fingerprint);
    expect(statSync(join(state, 'tcpcmd')).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!hasScript)('on a terminal, asks once like ssh: yes remembers the server, no refuses it', async () => {
    const server = await startCliServer(tlsArgs());
    const { file, env } = knownHostsDir();
    const no = await runInTerminal(['exec', '--tls', server.target, 'echo', 'x'], 'no', env);
    expect(no.output).toContain(`fingerprint is ${certs.a.fingerprint}`);
    expect(no.output).toContain('Are you sure you want to continue connecting (yes/no)?');
    expect(no.output).toMatch(/was not accepted.*\(TLS_ERROR\)/);
    expect(no.code).toBe(255);
    expect(() => statSync(file)).toThrow();

    const yes = await runInTerminal(['exec', '--tls', server.target, 'echo', 'trusted'], 'yes', env);
    expect(yes.code).toBe(0);
    expect(yes.output).toContain('trusted');
    expect(readFileSync(file, 'utf8')).toContain(`${server.target} sha256 ${certs.a.fingerprint}`);
    // Asked once: the next connection does not ask.
    const later = await runInTerminal(['exec', '--tls', server.target, 'echo', 'quiet'], 'yes', env);
    expect(later.code).toBe(0);
    expect(later.output).not.toContain('yes/no');
  });
});

describe('TLS and the other limits', () => {
  it('a TLS session is still subject to the other rules: too many sessions is said over TLS', async () => {
    const { target } = await startServer({ commands: testCommands, tls: { cert: pem(certs.a.cert), key: pem(certs.a.key) }, limits: { maxSessions: 1 } });
    const tls = { ca: pem(certs.a.cert) };
    const first = await connect(target, { tls });
    onCleanup(() => first.close());
    await expect(connect(target, { tls })).rejects.toMatchObject({ code: 'TOO_MANY_SESSIONS' });
  });
});
