/**
 * `kill` and `reset` (protocol/confirmation.ts) affect everyone on the server: on a terminal they are
 * confirmed first (default no; `--yes` skips the question); without one there
 * is no one to ask, and they are refused unless `--yes`.
 */
import { ErrorCode, isTcpcmdError } from '../protocol/index.js';
import { ask, type PromptStreams } from './enquire.js';

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
