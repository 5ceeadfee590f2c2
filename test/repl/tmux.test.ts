// `tcpcmd connect` in a real terminal: the built binary in a detached tmux session, keys in, screen out.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli, startCliServer } from '../helpers/cli.js';
import { freePort } from '../helpers/servers.js';
import { Tmux, withoutTmux, liveProcesses, serveOnPort, tempDir, until } from './helpers.js';

describe.skipIf(withoutTmux())('tcpcmd connect in a terminal (tmux)', () => {
  it('shows the address in the prompt and a command\'s output; Tab completes; stderr is red unless NO_COLOR', async () => {
    const server = await startCliServer();
    const t = await Tmux.start(['connect', server.target], { NO_COLOR: '' });
    await t.waitFor(`${server.target}> `);
    await t.enter('echo hello from tmux');
    await t.waitFor(/^hello from tmux$/m);
    await t.type('cp');
    await t.send('Tab');
    await t.waitFor(`${server.target}> cpu`);
    await t.send('Enter');
    await t.waitFor(/^cores: /m);
    await t.enter('linux:echo oops >&2; exit 5');
    await t.waitFor(/\[exit 5, \d+ms\]/);
    expect(await t.screen(true)).toMatch(/\x1b\[31moops/); // eslint-disable-line no-control-regex

    const plain = await Tmux.start(['connect', server.target]); // NO_COLOR=1
    await plain.waitFor(`${server.target}> `);
    await plain.enter('linux:echo oops >&2; exit 5');
    await plain.waitFor(/\[exit 5, \d+ms\]/);
    expect(await plain.screen(true)).not.toContain('\x1b[31m');
  });

  it('Ctrl+C cancels linux:sleep on the server (its process is gone) and the session goes on; Ctrl+C twice on an empty line leaves', async () => {
    const server = await startCliServer();
    const t = await Tmux.connected(server.target);
    const seconds = `30.${process.pid}`; // an argument no other test uses, to find this very process
    await t.enter(`linux:sleep ${seconds}`);
    await until(() => liveProcesses(['sleep', seconds]).length, (n) => n === 1, 'the sleep to start');
    await t.send('C-c');
    await t.waitFor(/\[cancelled, [\d.]+m?s\]/);
    await until(() => liveProcesses(['sleep', seconds]).length, (n) => n === 0, 'the sleep to be killed');
    await t.enter('echo still here');
    await t.waitFor(/^still here$/m);
    await t.send('C-c');
    await t.waitFor('(To exit, press Ctrl+C again or Ctrl+D or type .exit)');
    // Anything typed in between starts the count again.
    await t.enter('echo between');
    await t.waitFor(/^between$/m);
    await t.send('C-c');
    await until(() => t.count('(To exit, press Ctrl+C again'), (n) => n === 2, 'the second hint');
    await t.send('C-c');
    await t.waitFor('[exited 0]');
  });

  it('Ctrl+R searches back through the history: again for older, Enter runs, Esc keeps the match, Ctrl+G gives the line back', async () => {
    const server = await startCliServer();
    const { path } = await tempDir();
    await writeFile(path('history'), 'echo alpha one\nhostname\necho alpha two\necho beta\n');
    const t = await Tmux.start(['connect', server.target], { TCPCMD_HISTORY: path('history') });
    const prompt = `${server.target}> `;
    await t.waitFor(prompt);
    await t.send('C-r');
    await t.waitFor("(reverse-i-search)`': ");
    await t.type('alpha');
    await t.waitFor("(reverse-i-search)`alpha': echo alpha two");
    await t.send('C-r');
    await t.waitFor("(reverse-i-search)`alpha': echo alpha one");
    await t.send('C-r'); // nothing older: the search fails and keeps the last match
    await t.waitFor("(failed reverse-i-search)`alpha': echo alpha one");
    await t.send('Enter');
    await t.waitFor(/^alpha one$/m);
    await t.waitFor(new RegExp(`${prompt}$`, 'm'));

    await t.send('C-r');
    await t.type('bet');
    await t.waitFor("(reverse-i-search)`bet': echo beta");
    await t.send('Escape');
    await t.waitFor(new RegExp(`${prompt.replace(/\./g, '\\.')}echo beta$`, 'm'));
    await t.enter(' gamma');
    await t.waitFor(/^beta gamma$/m);

    await t.type('echo kept');
    await t.send('C-r');
    await t.type('host');
    await t.waitFor("(reverse-i-search)`host': hostname");
    await t.send('C-g');
    await t.waitFor(new RegExp(`${prompt.replace(/\./g, '\\.')}echo kept$`, 'm'));
    await t.send('Enter');
    await t.waitFor(/^kept$/m);
    await t.send('C-d');
    await t.waitFor('[exited 0]');
  });

  it('keeps history between runs (TCPCMD_HISTORY)', async () => {
    const server = await startCliServer();
    const { path } = await tempDir();
    const env = { TCPCMD_HISTORY: path('history') };
    const first = await Tmux.start(['connect', server.target], env);
    await first.waitFor(`${server.target}> `);
    for (const n of [1, 2]) {
      await first.enter('echo first run');
      await until(() => first.count('\nfirst run'), (c) => c === n, `run ${n}`);
    }
    await first.send('C-d');
    await first.waitFor('[exited 0]');
    expect(await readFile(path('history'), 'utf8')).toBe('echo first run\n');

    const second = await Tmux.start(['connect', server.target], env);
    await second.waitFor(`${server.target}> `);
    await second.send('Up');
    await second.waitFor(`${server.target}> echo first run`);
    await second.send('Enter');
    await second.waitFor(/^first run$/m);
  });

  it('reconnects after a reset by another client and after a restart on the same port; the prompt says when it is disconnected', async () => {
    const port = await freePort();
    let server = await serveOnPort(port);
    const target = `127.0.0.1:${port}`;
    const t = await Tmux.start(['connect', target]);
    await t.waitFor(`${target}> `);

    const reset = await runCli(['exec', target, 'reset']);
    expect(reset.code).toBe(0);
    await t.waitFor(`connection to ${target} lost: the server was reset`);
    await t.waitFor(`reconnected to ${target}`);
    await t.enter('echo after reset');
    await t.waitFor(/^after reset$/m);

    await server.stop();
    await t.waitFor(`${target} (disconnected)> `);
    server = await serveOnPort(port);
    await until(() => t.count(`reconnected to ${target}`), (n) => n === 2, 'the second reconnection', 10_000);
    await t.enter('echo after restart');
    await t.waitFor(/^after restart$/m);
  });

  it('asks before kill: no sends nothing, yes stops the server', async () => {
    const server = await startCliServer();
    const t = await Tmux.connected(server.target);
    await t.enter('kill');
    await t.waitFor(`Stop the server at ${server.target}?`);
    const question = (await t.screen()).split('\n').find((l) => l.includes('Stop the server at')) ?? '';
    expect(question).toMatch(/\(y\/N\)/);
    expect(question).not.toMatch(/false|true/);
    await t.type('n');
    await t.waitFor('not sent');
    expect((await t.screen()).split('\n').find((l) => l.includes('Stop the server at'))).toMatch(/\bno\s*$/);
    await t.enter('echo alive');
    await t.waitFor(/^alive$/m);
    await t.enter('kill');
    await until(() => t.count('Stop the server at'), (n) => n === 2, 'the second question');
    await t.type('y');
    expect(await server.exited).toBe(0);
    await t.waitFor(`connection to ${server.target} lost`);
  });

  it('.save names the file it cannot write and why, not a file of its own', async () => {
    const server = await startCliServer();
    const t = await Tmux.connected(server.target);
    await t.enter('echo saved');
    await t.waitFor(/^saved$/m);
    await t.enter('.save /proc/no-such-dir/x.csv');
    await t.waitFor('[error] cannot write /proc/no-such-dir/x.csv: ENOENT: no such file or directory');
    expect(await t.screen()).not.toContain(tmpdir());
  });

  it('asks for the token with a hidden prompt', async () => {
    const server = await startCliServer([], { TCPCMD_TOKEN: 's3cret' });
    const t = await Tmux.start(['connect', server.target]); // TCPCMD_TOKEN is empty there
    await t.waitFor(`Token for ${server.target}`);
    await t.enter('s3cret');
    await t.waitFor(`connected to ${server.target}`);
    expect(await t.screen()).not.toContain('s3cret');
    await t.enter('echo authenticated');
    await t.waitFor(/^authenticated$/m);
  });

  it('asks for host and port when no target is given, and asks again on a bad port', async () => {
    const server = await startCliServer();
    const t = await Tmux.start(['connect']);
    await t.waitFor('Host');
    await t.enter('127.0.0.1');
    await t.waitFor('Port');
    await t.enter('http');
    await t.waitFor('port must be a whole number from 1 to 65535, got "http"');
    for (let i = 0; i < 4; i++) await t.send('BSpace');
    await t.enter(String(server.port));
    await t.waitFor(`connected to ${server.target}`);
    await t.waitFor(`${server.target}> `);
  });

  it('offers the servers of --targets in a select prompt, and again after one that cannot be reached', async () => {
    const server = await startCliServer();
    const { path } = await tempDir();
    await writeFile(path('servers.csv'), `host,port,name\n127.0.0.1,1,nowhere\n127.0.0.1,${server.port},main\n`);
    const t = await Tmux.start(['connect', '--targets', path('servers.csv')]);
    await t.waitFor('nowhere');
    await t.waitFor('main');
    // One that cannot be reached: said why, and the list again, on it.
    await t.send('Enter');
    await t.waitFor('[error] cannot connect to 127.0.0.1:1: connection refused');
    await until(() => t.count('Server'), (n) => n === 2, 'the list again'); // the answer, then the question again
    const again = (await t.screen()).split('\n').reverse().find((l) => l.includes('nowhere')) ?? '';
    expect(again).toMatch(/^\S+ nowhere/); // the pointer is on it
    await t.send('Down');
    await t.send('Enter');
    // Called by its servers.csv name, with the address where it helps.
    await t.waitFor(`connected to main (${server.target})`);
    await t.waitFor(/^main> $/m);
  });
});
