// `tcpcmd top` live, in a real terminal: the built binary in a detached tmux session, keys in, screen out.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCliServer } from '../helpers/cli.js';
import { freePort } from '../helpers/servers.js';
import { Tmux, tempDir, until } from '../repl/helpers.js';

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasTmux() && !process.env.CI)('tcpcmd top in a terminal (tmux)', () => {
  it('shows every server live; sorts, filters, pauses; Enter opens connect and comes back; q quits', { timeout: 60_000 }, async () => {
    const a = await startCliServer();
    const b = await startCliServer();
    const dead = await freePort();
    const { dir } = await tempDir();
    const servers = `${dir}/servers.csv`;
    writeFileSync(servers, `name,host,port\nweb-a,127.0.0.1,${a.port}\nweb-b,127.0.0.1,${b.port}\ngone,127.0.0.1,${dead}\n`);
    const t = await Tmux.start(['top', '--targets', servers, '--interval', '0.5']);
    await t.waitFor('3 servers (2 up, 1 down)', 15_000);
    const screen = await t.screen();
    expect(screen).toMatch(/^ {2}NAME +STATUS +CPU% CPU HISTORY +LOAD +RAM% +DISK% +UPTIME +RTT ms NOTE$/m);
    expect(screen).toMatch(/^> web-a +up +\d+\.\d/m);
    expect(screen).toMatch(/^ {2}gone +down .*CONNECT_FAILED/m);
    // The history grows a mark a poll.
    await t.waitFor(/^> web-a +up +\d+\.\d +\S{3,}/m, 15_000);

    // Sort by status: the worst first.
    await t.type('s');
    await t.waitFor(/sort STATUS[^]*^> gone +down/m);
    // Filter by name.
    await t.type('/web-b');
    await t.waitFor('filter by name: web-b_');
    await t.send('Enter');
    await t.waitFor('filter "web-b" (1)');
    expect(await t.count('web-a')).toBe(0);
    // Pause and go on.
    await t.type('p');
    await t.waitFor('PAUSED');
    await t.type('p');
    await until(() => t.screen(), (s) => !s.includes('PAUSED'), 'the pause to end');

    // Enter: a REPL on the selected server, and back to the view when it ends.
    await t.send('Enter');
    await t.waitFor(`connecting to web-b (127.0.0.1:${b.port})`);
    await t.waitFor(/> $/m, 15_000);
    await t.enter('echo from inside top');
    await t.waitFor(/^from inside top$/m);
    await t.send('C-d');
    // Back in the view, and reading keys again.
    await t.waitFor('filter "web-b" (1)', 15_000);
    await t.type('p');
    await t.waitFor('PAUSED', 15_000);
    await t.type('p');
    await until(() => t.screen(), (s) => !s.includes('PAUSED'), 'the pause to end');

    // A server that goes away turns down, with the reason; the others go on.
    await t.send('Escape');
    await until(() => t.screen(), (s) => !s.includes('filter "web-b"') && s.includes('(2 up, 1 down)'), 'the filter to clear');
    a.child.kill('SIGKILL');
    await t.waitFor('(1 up, 2 down)', 15_000);
    expect(await t.screen()).toMatch(/^. web-a +down .*(CONNECTION_CLOSED|CONNECT_FAILED)/m);

    await t.type('q');
    await t.waitFor('[exited 0]');
  });

  it('colours the status unless NO_COLOR; --ascii draws the history in ASCII; a small terminal keeps rows whole', { timeout: 30_000 }, async () => {
    const a = await startCliServer();
    const t = await Tmux.start(['top', '--interval', '0.3', '--ascii', a.target], { NO_COLOR: '' });
    await t.waitFor(/\(1 up\)/, 15_000);
    await t.waitFor(`${String.fromCharCode(27)}[32mup`, 5_000, true);
    await t.waitFor(new RegExp(`^> ${a.target.replace(/\./g, '\\.')} +up +\\d+\\.\\d +[ _.:=+*#-]*[_.:=+*#-]{2}`, 'm'), 15_000);
    expect(await t.screen()).not.toMatch(/[▁▂▃▄▅▆▇█]/);
    await t.resize(50, 10);
    await t.waitFor(/^ {2}NAME +STATUS +CPU% +RAM% +DISK%$/m);
    for (const line of (await t.screen()).split('\n')) expect(line.length).toBeLessThanOrEqual(50);
    await t.type('q');
    await t.waitFor('[exited 0]');
  });
});
