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

const UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/**
 * A duration as people write it: `5000` (ms), `500ms`, `1.5s`, `2m`. Whole
 * milliseconds from `min` (1, or 0 where 0 means "never") to MAX_TIMER_MS;
 * undefined for anything else. Flags and the `timeout` cell of a commands
 * file read durations with this.
 */
export function parseDuration(text: string, min = 1): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(text.trim());
  const ms = m ? Math.round(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? NaN)) : NaN;
  return Number.isFinite(ms) && ms >= min && ms <= MAX_TIMER_MS ? ms : undefined;
}
