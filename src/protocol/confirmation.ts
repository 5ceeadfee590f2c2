/**
 * `kill` and `reset` affect everyone on a server, so every client asks before
 * sending them: the REPL on a terminal, the web page with a dialog. Plain
 * code with no imports, so the browser bundle shares it.
 */
const WHAT: Record<string, string> = {
  kill: 'Stop the server',
  reset: 'Reset the server (every session on it is closed)',
};

/** The question to ask before sending `line`, or undefined when it needs none. */
export function confirmationFor(line: string, where: string): string | undefined {
  // The first word, without splitting the rest: this is asked of every line a piped session sends.
  const text = line.trim();
  const end = text.search(/\s/);
  const word = (end === -1 ? text : text.slice(0, end)).toLowerCase();
  const what = Object.hasOwn(WHAT, word) ? WHAT[word] : undefined;
  return what ? `${what} at ${where}?` : undefined;
}
