import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * tcpcmd's folder for state that outlives a run (known_hosts, REPL history),
 * as the XDG Base Directory spec says: `$XDG_STATE_HOME/tcpcmd`, else
 * `$HOME/.local/state/tcpcmd`. A relative XDG_STATE_HOME is invalid by the
 * spec and ignored.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'tcpcmd');
}
