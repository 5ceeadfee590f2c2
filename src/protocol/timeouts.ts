import { ErrorCode, TcpcmdError } from './errors.js';

/** The longest delay a timer takes (setTimeout's limit, on both sides of the wire): about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a flag given in milliseconds (`--timeout`, `--connect-timeout`):
 * a positive finite number, at most MAX_TIMER_MS (a longer one would fire at
 * once). Returns it; throws TcpcmdError(USAGE) naming the flag otherwise.
 */
export function positiveMs(value: number, flag: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new TcpcmdError(ErrorCode.USAGE, `${flag} must be a positive number of ms, got ${value}`);
  if (value > MAX_TIMER_MS) throw new TcpcmdError(ErrorCode.USAGE, `${flag} must be a positive number of ms, at most ${MAX_TIMER_MS}, got ${value}`);
  return value;
}
