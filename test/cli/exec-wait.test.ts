import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, startCliServer } from '../helpers/cli.js';
import { freePort } from '../helpers/servers.js';

describe('tcpcmd --help and --version', () => {
  it('prints help for the program and for every command', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'exec', 'wait']) {
      expect(top.stdout).toContain(`tcpcmd ${name}`);
      const sub = await runCli([name, '--help']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain('Examples:');
    }
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // `--version` alone is answered without yargs: the same line as yargs prints after a command name.
    for (const args of [['-V'], ['run', '--version']]) expect(await runCli(args)).toMatchObject({ code: 0, stdout: version.stdout });
  });

  it('prints a bash or zsh completion script, and completes commands and each command\'s flags', async () => {
    const bash = await runCli(['completion'], { env: { SHELL: '/bin/bash' } });
    expect([bash.code, bash.stdout]).toEqual([0, expect.stringContaining('complete -o bashdefault -o default -F _tcpcmd_yargs_completions tcpcmd')]);
    const zsh = await runCli(['completion'], { env: { SHELL: '/bin/zsh' } });
    expect([zsh.code, zsh.stdout]).toEqual([0, expect.stringMatching(/^#compdef tcpcmd/)]);
    const commands = await runCli(['--get-yargs-completions', 'tcpcmd', '']);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['serve', 'connect', 'exec', 'run', 'wait']));
    const flags = await runCli(['--get-yargs-completions', 'tcpcmd', 'run', '--']);
    expect(flags.stdout.split('\n')).toEqual(expect.arrayContaining(['--target', '--targets', '--fail-fast', '--connect-timeout']));
  });

  it('exits 2 on a usage error, naming it', async () => {
    const r = await runCli(['serve', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port: expected a whole number from 0 to 65535, got "abc"');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
  });
});

describe('tcpcmd exec', () => {
  it('prints stdout and stderr apart and exits with the remote exit code', async () => {
    const server = await startCliServer();
    const r = await runCli(['exec', server.target, 'linux:echo out; echo err >&2; exit 7']);
    expect(r).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    const ok = await runCli(['exec', server.target, 'echo', 'two', 'words']);
    expect(ok).toMatchObject({ code: 0, stdout: 'two words\n' });
    const dashed = await runCli(['exec', server.target, 'linux:ls', '-d', '/']);
    expect(dashed).toMatchObject({ code: 0, stdout: '/\n' });
  });

  it('--json prints a builtin\'s figures as JSON in place of its text; a text-only command is an error', async () => {
    const server = await startCliServer();
    const cpu = await runCli(['exec', '--json', server.target, 'cpu']);
    expect(cpu.code).toBe(0);
    expect(JSON.parse(cpu.stdout)).toMatchObject({ kind: 'cpu', cores: expect.any(Number), windowMs: expect.any(Number) });
    expect(cpu.stdout.trimEnd()).not.toContain('\n'); // one line when not on a terminal
    const disk = await runCli(['exec', '--json', server.target, 'disk', '/']);
    expect(JSON.parse(disk.stdout)).toMatchObject({ kind: 'disk', path: '/', usagePercent: expect.any(Number) });
    const text = await runCli(['exec', '--json', server.target, 'echo', 'hi']);
    expect(text).toMatchObject({ code: 255, stdout: '' });
    expect(text.stderr).toContain('"echo hi" answers with text only; --json takes os, cpu, ram, disk, ip, uptime, hostname or version');
  });

  it('treats everything from the command on as the command, like ssh; -- also ends the options', async () => {
    const server = await startCliServer();
    expect(await runCli(['exec', server.target, 'echo', '--timeout', '3'])).toMatchObject({ code: 0, stdout: '--timeout 3\n' });
    expect(await runCli(['exec', '--timeout', '5000', server.target, '--', 'echo', '-n'])).toMatchObject({ code: 0, stdout: '-n\n' });
    const help = await runCli(['exec', server.target, 'help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^help \[command\]/);
    const bad = await runCli(['exec', server.target, '--timeout', 'abc', 'hostname']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timeout: expected a duration in ms (e.g. 5000), got "abc"');
  });

  it('runs every word after the target, with any flag before it; a mistyped flag is an error naming it, and nothing runs', async () => {
    const server = await startCliServer();
    expect(await runCli(['exec', '--no-tls', server.target, 'echo', 'p', 'q'])).toMatchObject({ code: 0, stdout: 'p q\n' });
    expect(await runCli(['exec', '--', server.target, 'linux:echo', 'a'])).toMatchObject({ code: 0, stdout: 'a\n' });
    const typo = await runCli(['exec', server.target, '--tmeout', '100', 'linux:echo slept']);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toContain('unknown option --tmeout (did you mean --timeout?)');
    const bogus = await runCli(['exec', '--bogus', server.target, 'hostname']);
    expect([bogus.code, bogus.stderr]).toEqual([2, expect.stringContaining('unknown option --bogus')]);
    const target = await runCli(['exec', '127.0.0.1:20000:5', 'hostname']);
    expect([target.code, target.stderr]).toEqual([2, expect.stringContaining('<target>: expected host[:port]')]);
    expect(server.log()).not.toMatch(/slept|run "hostname"/);
  });

  it('stops the remote command when the reader of its output goes away (| head)', async () => {
    const server = await startCliServer();
    const child = spawn(process.execPath, [BIN, 'exec', server.target, 'linux:yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(141);
    for (let i = 0; i < 50 && !/run "linux:yes" .*CANCELLED/.test(server.log()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.log()).toMatch(/run "linux:yes" .*CANCELLED/);
  });

  it('exits 255 with a one-line reason for its own failures', async () => {
    const server = await startCliServer();
    const unknown = await runCli(['exec', server.target, 'cpuu']);
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toMatch(/did you mean "cpu".*UNKNOWN_COMMAND/);
    const timeout = await runCli(['exec', server.target, '--timeout', '200', 'linux:sleep 5']);
    expect(timeout.code).toBe(255);
    expect(timeout.stderr).toContain('TIMEOUT');
    const refused = await runCli(['exec', `127.0.0.1:${await freePort()}`, 'hostname']);
    expect(refused.code).toBe(255);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('connection refused');
  });

  it('logs one line per run on the server: client, command, exit code, duration', async () => {
    const server = await startCliServer();
    await runCli(['exec', server.target, 'linux:exit 4']);
    expect(server.log()).toMatch(/127\.0\.0\.1:\d+ session \w+ run "linux:exit 4" exit=4 \d+ms/);
  });
});

describe('tcpcmd wait', () => {
  it('returns 0 once the server answers', async () => {
    const server = await startCliServer();
    const r = await runCli(['wait', server.target, '--timeout', '5000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${server.target} is up`);
  });

  it('waits for a server that starts later', async () => {
    const port = await freePort();
    const waiting = runCli(['wait', `127.0.0.1:${port}`, '--timeout', '10000']);
    await new Promise((r) => setTimeout(r, 500));
    const late = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { stdio: 'ignore' });
    try {
      expect((await waiting).code).toBe(0);
    } finally {
      late.kill('SIGKILL');
    }
  });

  it('gives up with exit 3 and says what it tried', async () => {
    const port = await freePort();
    const r = await runCli(['wait', `127.0.0.1:${port}`, '--timeout', '600']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/did not answer within 600 ms \(\d+ tries; last: .*connection refused/);
  });
});

describe('tcpcmd serve', () => {
  it('prints its warnings before a fatal error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-serve-'));
    try {
      writeFileSync(join(dir, 'cert.pem'), 'not a certificate\n');
      writeFileSync(join(dir, 'key.pem'), 'not a key\n', { mode: 0o644 });
      chmodSync(join(dir, 'key.pem'), 0o644);
      const r = await runCli(['serve', '--port', '0', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
      expect(r.code).toBe(2);
      const warning = r.stderr.indexOf('can be read by other users');
      const fatal = r.stderr.indexOf('tcpcmd serve: cannot use the TLS certificate and key');
      expect(warning).toBeGreaterThan(-1);
      expect(fatal).toBeGreaterThan(warning);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops gracefully on SIGTERM and on the kill command, exiting 0', async () => {
    const a = await startCliServer();
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const b = await startCliServer();
    const r = await runCli(['exec', b.target, 'kill']);
    expect(r.code).toBe(0);
    expect(await b.exited).toBe(0);
  });
});
