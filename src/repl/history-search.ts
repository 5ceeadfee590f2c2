/**
 * Ctrl+R: searching back through the history, as in bash and redis-cli. The
 * prompt becomes (reverse-i-search)`query': and the line shows the newest
 * entry containing the query; Ctrl+R again finds an older one; Enter runs
 * the line shown; Esc leaves with it on the line to edit; Ctrl+G (or Ctrl+C)
 * leaves with the line as it was. Any other editing key leaves the search
 * and does its work on the line shown.
 *
 * readline has no hook for keys of its own, so this wraps the interface's
 * key handler (`_ttyWrite`), as Node's own REPL does for the same search.
 */
import type { Interface } from 'node:readline';

interface Key {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  sequence?: string;
}

type KeyHandler = (s: string | undefined, key: Key | undefined) => void;
/** The private key handler of a terminal readline interface. */
interface WithKeyHandler {
  _ttyWrite: KeyHandler;
}

interface Search {
  query: string;
  /** Index in the history (newest first) of the entry shown; -1 for none. */
  at: number;
  failed: boolean;
  /** What to give back on Ctrl+G. */
  line: string;
  prompt: string;
}

/** Installs Ctrl+R on a terminal readline interface; `history` gives the entries, newest first. */
export function installHistorySearch(rl: Interface, history: () => readonly string[]): void {
  const target = rl as unknown as WithKeyHandler;
  const keyHandler = target._ttyWrite.bind(rl);
  let search: Search | undefined;

  /** Puts `text` on the line, under the current prompt (redrawn). */
  const show = (text: string): void => {
    keyHandler(undefined, { ctrl: true, name: 'e' });
    keyHandler(undefined, { ctrl: true, name: 'u' });
    rl.prompt(true);
    if (text !== '') keyHandler(text, undefined);
  };

  const render = (s: Search): void => {
    rl.setPrompt(`(${s.failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `);
    show(s.at === -1 ? '' : (history()[s.at] ?? ''));
  };

  /** The first entry from `from` on (older) that contains the query and differs from the one shown. */
  const find = (s: Search, from: number): void => {
    const entries = history();
    const current = s.at === -1 ? undefined : entries[s.at];
    for (let i = Math.max(0, from); i < entries.length; i++) {
      const entry = entries[i] as string;
      if (entry.includes(s.query) && (i === s.at || entry !== current)) {
        s.at = i;
        s.failed = false;
        return;
      }
    }
    s.failed = s.query !== '';
  };

  /** Leaves the search with `line` on the line, under the prompt it had. */
  const leave = (s: Search, line: string): void => {
    search = undefined;
    rl.setPrompt(s.prompt);
    show(line);
  };

  target._ttyWrite = (s, key) => {
    if (!search) {
      if (key?.ctrl && key.name === 'r') {
        search = { query: '', at: -1, failed: false, line: rl.line, prompt: rl.getPrompt() };
        render(search);
        return;
      }
      keyHandler(s, key);
      return;
    }
    const current = search;
    const shown = current.at === -1 ? current.line : (history()[current.at] ?? '');
    if (key?.ctrl && key.name === 'r') {
      find(current, current.at + 1);
      render(current);
    } else if (key?.ctrl && (key.name === 'g' || key.name === 'c')) {
      leave(current, current.line);
      if (key.name === 'c') keyHandler(s, key);
    } else if (key?.name === 'escape') {
      leave(current, shown);
    } else if (key?.name === 'backspace') {
      current.query = current.query.slice(0, -1);
      current.at = -1;
      if (current.query !== '') find(current, 0);
      else current.failed = false;
      render(current);
    } else if (s !== undefined && !key?.ctrl && !key?.meta && key?.name !== 'return' && key?.name !== 'enter' && key?.name !== 'tab' && [...s].every((c) => c >= ' ')) {
      current.query += s;
      find(current, current.at);
      render(current);
    } else {
      // Enter runs the line shown; arrows, Home/End, Tab... edit it.
      leave(current, shown);
      keyHandler(s, key);
    }
  };
}
