/**
 * `kill` and `reset` affect everyone on the server: on a terminal they are
 * confirmed first (default no; `--yes` skips the question); without one there
 * is no one to ask, and they are refused unless `--yes`.
 */
import { ErrorCode, isTcpcmdError } from '../protocol/index.js';
import { ask, type PromptStreams } from './enquire.js';

const WHAT: Record<string, string> = {
  kill: 'Stop the server',
  reset: 'Reset the server (every session on it is closed)',
};

/** The question to ask before sending `line`, or undefined when it needs none. */
export function confirmationFor(line: string, where: string): string | undefined {
  const word = line.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const what = Object.hasOwn(WHAT, word) ? WHAT[word] : undefined;
  return what ? `${what} at ${where}?` : undefined;
}

/** Yes or no; Ctrl+C counts as no. */
export async function confirm(streams: PromptStreams, message: string): Promise<boolean> {
  try {
    return await ask<boolean>(streams, {
      type: 'confirm',
      message,
      initial: false,
      // enquirer shows the value as typed so far: `(y/N) ‣ false` before any key. Show nothing until answered, then yes or no.
      format(this: { state: { submitted: boolean } }, value: unknown): string {
        return this.state.submitted ? (value ? 'yes' : 'no') : '';
      },
    });
  } catch (err) {
    if (isTcpcmdError(err, ErrorCode.INTERRUPTED)) return false;
    throw err;
  }
}
