// `tcpcmd connect` in a real terminal against `serve --idle-timeout`: an idle close is news once, not a reconnect loop.
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import type { TcpcmdError } from '../../src/protocol/index.js';
import { startCliServer } from '../helpers/cli.js';
import { Tmux, until, withoutTmux } from './helpers.js';

describe.skipIf(withoutTmux())('tcpcmd connect after an idle close (tmux)', () => {
  it('says once that the server closed it for idleness, stays away while idle, and reconnects for the next command', async () => {
    const server = await startCliServer(['--idle-timeout', '1000']);
    const connections = (): number => server.log().split('\n').filter((l) => / session \S+ connected$/.test(l)).length;
    const t = await Tmux.start(['connect', server.target]);
    const notice = `${server.target} closed the connection: idle for 1000 ms (IDLE_TIMEOUT); your next command reconnects`;
    await t.waitFor(notice);
    await t.waitFor(`${server.target} (idle)> `);

    // Three idle periods go by, measured by another client closed for idleness three times over.
    for (let i = 0; i < 3; i++) {
      const probe = await connect(server.target);
      const reason = await new Promise<TcpcmdError | undefined>((resolve) => probe.once('close', resolve));
      expect(reason?.code).toBe('IDLE_TIMEOUT');
    }
    await until(connections, (n) => n === 1 + 3, "the probes' connections in the server's log");
    expect(await t.count('closed the connection')).toBe(1);
    expect(await t.screen()).not.toContain('reconnected to');

    await t.enter('echo back again');
    await t.waitFor(`reconnected to ${server.target}`);
    await t.waitFor(/^back again$/m);
    await until(connections, (n) => n === 1 + 3 + 1, "the REPL's second connection in the server's log");
  });
});
