import { describe, expect, it } from 'vitest';
import { knownHostsPath } from '../../src/client/index.js';
import { stateDir } from '../../src/client/state-dir.js';
import { historyPath } from '../../src/repl/index.js';

describe('the state folder (XDG)', () => {
  it('is $XDG_STATE_HOME/tcpcmd when absolute, else $HOME/.local/state/tcpcmd, for known_hosts and history alike', () => {
    for (const [env, dir] of [
      [{ XDG_STATE_HOME: '/s', HOME: '/home/u' }, '/s/tcpcmd'],
      [{ HOME: '/home/u' }, '/home/u/.local/state/tcpcmd'],
      [{ XDG_STATE_HOME: 'relative', HOME: '/home/u' }, '/home/u/.local/state/tcpcmd'], // invalid by the spec: ignored
      [{ XDG_STATE_HOME: '', HOME: '/home/u' }, '/home/u/.local/state/tcpcmd'],
    ] as const) {
      expect(stateDir(env)).toBe(dir);
      expect(knownHostsPath(env)).toBe(`${dir}/known_hosts`);
      expect(historyPath(env)).toBe(`${dir}/history`);
    }
    expect(knownHostsPath({ TCPCMD_KNOWN_HOSTS: '/k', HOME: '/home/u' })).toBe('/k');
  });
});
