import type { ErrorCode } from '../../protocol/index.js';
import type { RunOutcome } from '../command.js';

/** A run that ended without an exit code of its own, for the reason given. Errors are data, not throws. */
export function failure(code: ErrorCode, message: string): RunOutcome {
  return { exitCode: null, error: { code, message } };
}
