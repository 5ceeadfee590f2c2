/**
 * Tab completion: the first word from the server's own command list
 * (`connection.info.commands`) and the meta commands; `help <Tab>` from the
 * commands; `.connect <Tab>` from servers.csv; `.load`/`.save <Tab>` from
 * the file system. Pure, apart from reading a directory.
 */
import { readdirSync } from 'node:fs';

export interface CompletionSource {
  /** The server's commands (shell prefixes end with ':'). */
  commands(): readonly string[];
  /** `.help`, `.exit`, ... */
  metaCommands(): readonly string[];
  /** Names and addresses from --targets. */
  targets(): readonly string[];
}

export type Completer = (line: string) => [string[], string];

const FILE_ARGUMENT = new Set(['.load', '.save']);

function startingWith(words: readonly string[], prefix: string): string[] {
  const p = prefix.toLowerCase(); // server commands are case-insensitive
  return [...new Set(words.filter((w) => w.toLowerCase().startsWith(p)))].sort();
}

/** Files and directories (with a trailing '/') whose path starts with `prefix`. */
export function completePath(prefix: string): string[] {
  // Candidates keep the typed text as their start: readline inserts what follows it.
  const head = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const base = prefix.slice(head.length);
  try {
    return readdirSync(head === '' ? '.' : head, { withFileTypes: true })
      .filter((e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')))
      .map((e) => `${head}${e.name}${e.isDirectory() ? '/' : ''}`)
      .sort();
  } catch {
    return []; // no such directory: nothing to offer
  }
}

/** readline's completer: [candidates, the part of the line they complete]. */
export function createCompleter(source: CompletionSource): Completer {
  return (line) => {
    const leading = line.length - line.trimStart().length;
    const text = line.slice(leading);
    const space = text.indexOf(' ');
    if (space === -1) {
      const words = text.startsWith('.') ? source.metaCommands() : source.commands();
      return [startingWith(words, text), text];
    }
    const first = text.slice(0, space).toLowerCase();
    const arg = text.slice(space + 1).trimStart();
    if (arg.includes(' ')) return [[], arg];
    if (first === 'help') return [startingWith(source.commands(), arg), arg];
    if (first === '.connect') return [startingWith(source.targets(), arg), arg];
    if (FILE_ARGUMENT.has(first)) return [completePath(arg), arg];
    return [[], arg];
  };
}
