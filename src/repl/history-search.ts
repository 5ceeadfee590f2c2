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
  const search = new ReverseSearch(rl, history, target._ttyWrite.bind(rl));
  target._ttyWrite = (s, key) => search.key(s, key);
}

/** The search's state and keys, in front of readline's own key handler. */
class ReverseSearch {
  private search: Search | undefined;

  constructor(
    private readonly rl: Interface,
    private readonly history: () => readonly string[],
    private readonly keyHandler: KeyHandler,
  ) {}

  key(s: string | undefined, key: Key | undefined): void {
    if (this.search) return this.searchKey(this.search, s, key);
    if (key?.ctrl && key.name === 'r') {
      this.search = { query: '', at: -1, failed: false, line: this.rl.line, prompt: this.rl.getPrompt() };
      this.render(this.search);
      return;
    }
    this.keyHandler(s, key);
  }

  private searchKey(current: Search, s: string | undefined, key: Key | undefined): void {
    const shown = current.at === -1 ? current.line : (this.history()[current.at] ?? '');
    if (key?.ctrl && key.name === 'r') {
      this.find(current, current.at + 1);
      this.render(current);
    } else if (key?.ctrl && (key.name === 'g' || key.name === 'c')) {
      this.leave(current, current.line);
      if (key.name === 'c') this.keyHandler(s, key);
    } else if (key?.name === 'escape') {
      this.leave(current, shown);
    } else if (key?.name === 'backspace') {
      current.query = current.query.slice(0, -1);
      current.at = -1;
      if (current.query !== '') this.find(current, 0);
      else current.failed = false;
      this.render(current);
    } else if (s !== undefined && isQueryText(s, key)) {
      current.query += s;
      this.find(current, current.at);
      this.render(current);
    } else {
      // Enter runs the line shown; arrows, Home/End, Tab... edit it.
      this.leave(current, shown);
      this.keyHandler(s, key);
    }
  }

  /** Puts `text` on the line, under the current prompt (redrawn). */
  private show(text: string): void {
    this.keyHandler(undefined, { ctrl: true, name: 'e' });
    this.keyHandler(undefined, { ctrl: true, name: 'u' });
    this.rl.prompt(true);
    if (text !== '') this.keyHandler(text, undefined);
  }

  private render(s: Search): void {
    this.rl.setPrompt(`(${s.failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `);
    this.show(s.at === -1 ? '' : (this.history()[s.at] ?? ''));
  }

  /** The first entry from `from` on (older) that contains the query and differs from the one shown. */
  private find(s: Search, from: number): void {
    const entries = this.history();
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
  }

  /** Leaves the search with `line` on the line, under the prompt it had. */
  private leave(s: Search, line: string): void {
    this.search = undefined;
    this.rl.setPrompt(s.prompt);
    this.show(line);
  }
}

/** Printable text typed into the query (not Enter, Tab or a control key). */
function isQueryText(s: string, key: Key | undefined): boolean {
  return !key?.ctrl && !key?.meta && key?.name !== 'return' && key?.name !== 'enter' && key?.name !== 'tab' && [...s].every((c) => c >= ' ');
}
