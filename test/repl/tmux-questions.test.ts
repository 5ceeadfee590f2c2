// `tcpcmd connect`'s questions in a real terminal: the server asked for again when it cannot be reached, Ctrl+D at a question.
import { describe, expect, it } from 'vitest';
import { startCliServer } from '../helpers/cli.js';
import { freePort } from '../helpers/servers.js';
import { Tmux, withoutTmux } from './helpers.js';

describe.skipIf(withoutTmux())('tcpcmd connect questions (tmux)', () => {
  it('asks again for the host and port it asked for when they cannot be reached, with what was typed', async () => {
    const server = await startCliServer();
    const closed = await freePort(); // nothing listens there
    const t = await Tmux.start(['connect']);
    await t.waitFor('Host');
    await t.enter('127.0.0.1');
    await t.waitFor('Port');
    await t.enter(String(closed));
    await t.waitFor(`[error] cannot connect to 127.0.0.1:${closed}: connection refused`);
    await t.waitFor(/^\? Host \(host or host:port\) ‣ 127\.0\.0\.1 *$/m);
    await t.send('Enter');
    await t.waitFor(new RegExp(`^\\? Port ‣ ${closed} *$`, 'm'));
    for (let i = 0; i < String(closed).length; i++) await t.send('BSpace');
    await t.enter(String(server.port));
    await t.waitFor(`connected to ${server.target}`);
    await t.enter('echo second try');
    await t.waitFor(/^second try$/m);

    // Named on the command line, it is not asked for: exit 3, as without a terminal.
    const named = await Tmux.start(['connect', `127.0.0.1:${closed}`]);
    await named.waitFor('[exited 3]');
    expect(await named.screen()).toContain(`cannot connect to 127.0.0.1:${closed}: connection refused`);
  });

  it('Ctrl+D at the Port question closes the question and leaves (exit 0); at the kill question it answers no', async () => {
    const t = await Tmux.start(['connect']);
    await t.waitFor('Host');
    await t.send('Enter');
    await t.waitFor(/^\? Port ‣ 10000 *$/m);
    await t.send('C-d');
    await t.waitFor('[exited 0]');
    const lines = (await t.screen()).split('\n');
    expect(lines).toContain('✖ Port · 10000');
    expect(lines).toContain('left without connecting (Ctrl+D)');
    expect(lines.filter((l) => /\? Po/.test(l))).toEqual([]);

    const server = await startCliServer();
    const s = await Tmux.connected(server.target);
    await s.enter('kill');
    await s.waitFor(`Stop the server at ${server.target}?`);
    await s.send('C-d');
    await s.waitFor('not sent');
    await s.enter('echo still serving');
    await s.waitFor(/^still serving$/m);
    expect(server.child.exitCode).toBeNull();
  });
});
