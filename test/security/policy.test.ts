import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { globToRegExp } from '../../src/server/policy.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { RawClient } from '../helpers/servers.js';
import { logMatching } from './helpers/logs.js';

describe('policy', () => {
  it('--no-shell: builtins only; shell commands are FORBIDDEN in every spelling, and not offered', async () => {
    const server = await startCliServer(['--no-shell']);
    const conn = await connect(server.target);
    expect(conn.info.commands).not.toContain('linux:');
    const results = await Promise.all(['linux:id', 'LINUX:id', '  linux:  id', 'Linux:echo x'].map((c) => conn.run(c)));
    expect(results.map((r) => r.error?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect((await conn.run('echo builtin')).stdout).toBe('builtin\n');
    await conn.close();
    const exec = await runCli(['exec', server.target, 'linux:id']);
    expect(exec.code).toBe(255);
    expect(exec.stderr).toMatch(/forbidden: shell commands are turned off on this server \(--no-shell\) \(FORBIDDEN\)$/m);
    await logMatching(server, /127\.0\.0\.1:\d+ session \w+ FORBIDDEN "linux:id": forbidden: shell commands are turned off/);
  });

  it('--no-shell: disk answers for mount points only, and says the same of a path that exists and one that does not', async () => {
    const server = await startCliServer(['--no-shell']);
    const conn = await connect(server.target);
    const [root, rootAgain, existing, missing] = await Promise.all(['disk /', 'disk //', 'disk /etc', 'disk /no/such/dir'].map((c) => conn.run(c)));
    expect(root?.exitCode).toBe(0);
    expect(root?.stdout).toMatch(/^path: +\/$/m);
    expect(rootAgain?.stdout).toMatch(/^path: +\/$/m);
    const refusal = (path: string): string => `forbidden: disk: this server runs no shell commands, so disk answers for mount points only, and "${path}" is not one (mount points: /`;
    expect(existing?.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(existing?.error?.message).toContain(refusal('/etc'));
    expect(missing?.error?.message).toContain(refusal('/no/such/dir'));
    expect(existing?.error?.message.replace('/etc', 'X')).toBe(missing?.error?.message.replace('/no/such/dir', 'X'));
    await conn.close();
    // Where shell commands run, disk answers for any path (a shell could tell anyway).
    const open = await startCliServer([]);
    expect(await runCli(['exec', open.target, 'disk', '/etc'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^path: +\/etc$/m) });
    expect((await runCli(['exec', open.target, 'disk', '/no/such/dir'])).stderr).toContain('no such file or directory');
  });

  it('--no-admin: kill and reset are FORBIDDEN and the server stays up; inline mode too', async () => {
    const server = await startCliServer(['--no-admin']);
    for (const cmd of ['kill', 'KILL', 'reset']) {
      const r = await runCli(['exec', server.target, cmd]);
      expect(r.code).toBe(255);
      expect(r.stderr).toContain('--no-admin');
    }
    const nc = await RawClient.connect(server.port);
    nc.send('kill\n');
    expect(await nc.nextLine()).toMatch(/^\[error FORBIDDEN\] forbidden: kill is turned off/);
    nc.send('echo alive\n');
    expect(await nc.nextLine()).toBe('alive');
    expect((await runCli(['exec', server.target, 'echo', 'up'])).stdout).toBe('up\n');
  });

  it('--allow/--deny: * never stretches over shell control characters, deny wins, shell lines match case as written, and each refusal is logged', async () => {
    const server = await startCliServer(['--allow', 'linux:echo *', '--allow', 'hostname', '--deny', 'linux:echo *secret*']);
    const conn = await connect(server.target);
    const lines: [string, 'ok' | 'FORBIDDEN'][] = [
      ['linux:echo hello world', 'ok'],
      ['LINUX:echo case', 'ok'],
      ['hostname', 'ok'],
      ['linux:echo hi; id', 'FORBIDDEN'],
      ['linux:echo hi && id', 'FORBIDDEN'],
      ['linux:echo hi | sh', 'FORBIDDEN'],
      ['linux:echo $(id)', 'FORBIDDEN'],
      ['linux:echo `id`', 'FORBIDDEN'],
      ['linux:echo hi > /tmp/tcpcmd-policy-x', 'FORBIDDEN'],
      ['linux:echo hi\nid', 'FORBIDDEN'],
      ['linux:echo hi &', 'FORBIDDEN'],
      ['linux:echo top secret', 'FORBIDDEN'],
      ['linux:id', 'FORBIDDEN'],
      ['os', 'FORBIDDEN'],
      // The shell tells ECHO from echo, so --allow does too for shell commands; builtins and the prefix ignore case,
      // and --deny ignores case everywhere (it may refuse more, never less).
      ['linux:ECHO a', 'FORBIDDEN'],
      ['HOSTNAME', 'ok'],
      ['linux:echo TOP SECRET', 'FORBIDDEN'],
    ];
    const results = await Promise.all(lines.map(([cmd]) => conn.run(cmd)));
    expect(results.map((r, i) => [lines[i]?.[0], r.error?.code ?? 'ok'])).toEqual(lines);
    expect(results[0]?.stdout).toBe('hello world\n');
    expect(results[3]?.stdout).toBe('');
    expect(results[3]?.error?.message).toContain('never match the shell characters');
    expect(results[11]?.error?.message).toContain('--deny pattern "linux:echo *secret*"');
    expect(results[14]?.error?.message).toContain('match case as written');
    expect(results[16]?.error?.message).toContain('--deny pattern "linux:echo *secret*"');
    await conn.close();
    const log = await logMatching(server, /FORBIDDEN "linux:echo hi\\nid"/);
    expect(log.match(/ FORBIDDEN "/g)).toHaveLength(13);
    expect(log).not.toMatch(/run "linux:echo hi; id" exit=0/);
  });

  it('globToRegExp: a pattern that spells a shell character out still matches it', () => {
    expect(globToRegExp('linux:ls | wc -l', true).test('linux:ls | wc -l')).toBe(true);
    expect(globToRegExp('linux:ls *', true).test('linux:ls -l /tmp')).toBe(true);
    expect(globToRegExp('linux:ls *', true).test('linux:ls /; reboot')).toBe(false);
    expect(globToRegExp('echo *').test('echo a; b')).toBe(true); // builtins never reach a shell
    expect(globToRegExp('linux:echo *', true, true).test('linux:ECHO a')).toBe(false);
  });
});
