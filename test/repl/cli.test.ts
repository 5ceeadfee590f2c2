// `tcpcmd connect` as scripts use it: the built binary, stdin not a terminal, exit codes.
import { readFile, writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, startCliServer } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

describe('tcpcmd connect from a script', () => {
  it('runs the lines of stdin and exits 0 when all passed, 1 when one failed', async () => {
    const server = await startCliServer();
    const ok = await runCli(['connect', server.target], { input: 'echo one\nlinux:echo two\n' });
    expect(ok).toMatchObject({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
    const failed = await runCli(['connect', server.target], { input: 'linux:echo out; echo err >&2; exit 4\necho after\n' });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('out\nafter\n');
    expect(failed.stderr).toMatch(/^err\n\[exit 4, \d+ms\] linux:echo out; echo err >&2; exit 4\n$/);
  });

  it('takes host alone (port 10000) and host:port, and exits 3 with one line when it cannot connect', async () => {
    const refused = await runCli(['connect', '127.0.0.1:1'], { input: 'hostname\n' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe('tcpcmd connect: cannot connect to 127.0.0.1:1: connection refused — is `tcpcmd serve` running there, on that port? (CONNECT_FAILED)\n');
    const bare = await runCli(['connect', '127.0.0.1', '--connect-timeout', '2000'], { input: 'hostname\n' });
    // Nothing is expected on 10000 here; either way the port was 10000.
    if (bare.code !== 0) expect(bare.stderr).toContain('127.0.0.1:10000');
  });

  it('without a token for a server that wants one: AUTH_REQUIRED and exit 3; with --token-file it works', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: 's3cret' });
    const r = await runCli(['connect', server.target], { input: 'hostname\n', env: { TCPCMD_TOKEN: '' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^tcpcmd connect: .*requires a token.*\(AUTH_REQUIRED\)\n$/);
    const { path } = await tempDir();
    await writeFile(path('token'), 's3cret\n');
    const ok = await runCli(['connect', server.target, '--token-file', path('token')], { input: 'echo in\n', env: { TCPCMD_TOKEN: '' } });
    expect(ok).toMatchObject({ code: 0, stdout: 'in\n' });
  });

  it('exits 2 on usage errors, before connecting', async () => {
    const none = await runCli(['connect'], { input: 'hostname\n' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name the server: tcpcmd connect host[:port]');
    const badPort = await runCli(['connect', 'localhost:99999'], { input: '' });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('port in "localhost:99999" must be a whole number from 1 to 65535');
    const badTimeout = await runCli(['connect', 'localhost', '--timeout', '0'], { input: '' });
    expect(badTimeout.code).toBe(2);
    const badRecord = await runCli(['connect', '127.0.0.1:1', '--record', '/no/such/dir/rec.csv'], { input: '' });
    expect(badRecord.code).toBe(2);
    expect(badRecord.stderr).toContain('cannot write /no/such/dir/rec.csv');
  });

  it('picks the only server of --targets, and a server by its name', async () => {
    const server = await startCliServer();
    const { path } = await tempDir();
    await writeFile(path('servers.csv'), `host,port,name\n127.0.0.1,${server.port},web-1\n`);
    const only = await runCli(['connect', '--targets', path('servers.csv')], { input: 'echo only\n' });
    expect(only).toMatchObject({ code: 0, stdout: 'only\n' });
    const named = await runCli(['connect', 'web-1', '--targets', path('servers.csv')], { input: 'echo named\n' });
    expect(named).toMatchObject({ code: 0, stdout: 'named\n' });
  });

  it('with --targets, a name not in the file is an error (exit 2), not a host to look up; host:port and IP addresses still go direct', async () => {
    const server = await startCliServer();
    const { path } = await tempDir();
    const servers = path('servers.csv');
    await writeFile(servers, `host,port,name\n127.0.0.1,${server.port},a\n127.0.0.1,${server.port + 1},b\n127.0.0.1,1,dead\n`);
    const unknown = await runCli(['connect', 'zzz', '--targets', servers], { input: 'echo never\n' });
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe(`tcpcmd connect: no server named "zzz" in ${servers} (a, b, dead) (USAGE)\nRun \`tcpcmd connect --help\` for usage.\n`);
    const direct = await runCli(['connect', server.target, '--targets', servers], { input: 'echo direct\n' });
    expect(direct).toMatchObject({ code: 0, stdout: 'direct\n' });
    const ip = await runCli(['connect', '127.0.0.1', '--targets', servers, '--connect-timeout', '2000'], { input: 'hostname\n' });
    expect(ip.stderr).not.toContain('no server named'); // tried 127.0.0.1:10000 itself
  });

  it('reads a long script in pieces: every line once, in order, CRLF and lone CR ends as readline has them, .save in the middle', async () => {
    const server = await startCliServer();
    const { path } = await tempDir();
    const lines: string[] = [];
    const expected: string[] = [];
    for (let i = 1; i <= 6000; i++) {
      lines.push(`echo line ${i} ${'x'.repeat(1 + (i % 40))}`);
      expected.push(`line ${i} ${'x'.repeat(1 + (i % 40))}\n`);
      if (i === 3000) lines.push(`.save ${path('half.csv')}`);
    }
    // Windows line ends, one lone CR between two commands, no end after the last line.
    const input = `${lines.slice(0, 10).join('\r\n')}\r${lines.slice(10).join('\r\n')}`;
    const r = await runCli(['connect', server.target], { input, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected.join(''));
    expect(r.stderr).toContain(`saved 3000 rows to ${path('half.csv')}`);
    const saved = parse(await readFile(path('half.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(saved.map((row) => row.command)).toEqual(lines.slice(0, 3000));
  });

  it('documents itself in --help', async () => {
    const r = await runCli(['connect', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--targets', '--record', '--yes', '--timeout', '--tls', '--token-file']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Examples:');
  });
});
