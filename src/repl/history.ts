/**
 * Command history that outlives the session: one line per command, oldest
 * first, in `$TCPCMD_HISTORY`, else `$XDG_STATE_HOME/tcpcmd/history`
 * (default `~/.local/state/tcpcmd/history`). Each line is appended as it is
 * entered, so a crash loses nothing; a line equal to the one before is not
 * repeated. Lines that start with a space are kept out of the file (as bash's
 * ignorespace), for the odd command with a secret in it. The file is private
 * (0600) since commands can be sensitive.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '../client/state-dir.js';
import { errorMessage } from '../protocol/index.js';

export const HISTORY_SIZE = 1000;

/** Where history lives; null when TCPCMD_HISTORY is set to '' (no history). */
export function historyPath(env: NodeJS.ProcessEnv): string | null {
  if (env.TCPCMD_HISTORY !== undefined) return env.TCPCMD_HISTORY === '' ? null : env.TCPCMD_HISTORY;
  return join(stateDir(env), 'history');
}

export class History {
  private last: string | undefined;
  private warned = false;

  /** `warn` is told once if the file cannot be written; the session goes on. */
  constructor(private readonly path: string | null, private readonly warn: (message: string) => void, private readonly size = HISTORY_SIZE) {}

  /** The saved lines, newest first (readline's order). Trims a file that grew past twice the size. */
  load(): string[] {
    if (this.path === null) return [];
    let lines: string[];
    try {
      lines = readFileSync(this.path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    } catch {
      return []; // no history yet
    }
    const kept = lines.filter((l, i) => l !== lines[i - 1]).slice(-this.size);
    if (lines.length > 2 * this.size) this.rewrite(kept);
    this.last = kept[kept.length - 1];
    return kept.reverse();
  }

  add(line: string): void {
    if (this.path === null || line.trim() === '' || line.startsWith(' ') || line === this.last) return;
    this.last = line;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, `${line}\n`, { mode: 0o600 });
    } catch (err) {
      this.fail(err);
    }
  }

  private rewrite(lines: string[]): void {
    if (this.path === null) return;
    try {
      writeFileSync(this.path, lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`cannot write the history file ${this.path}: ${errorMessage(err)} (set TCPCMD_HISTORY to another file, or to '' for none)`);
  }
}
