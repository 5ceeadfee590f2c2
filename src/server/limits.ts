import { DEFAULT_MAX_FRAME, ErrorCode, MAX_TIMER_MS, TcpcmdError } from '../protocol/index.js';

export interface Limits {
  /** Sessions open at once; one more is refused with TOO_MANY_SESSIONS. */
  maxSessions: number;
  /** Connections that have not finished the handshake (TLS, hello, auth) at once; see HandshakeGate. */
  maxStartups: number;
  /** Of those, from one address (loopback included). */
  maxPerAddress: number;
  /** Longest frame (line) accepted, in bytes. Also the most command text that may wait in one session. */
  maxFrame: number;
  /** Runs waiting in one session (pipelined); one more is answered QUEUE_FULL. */
  maxQueue: number;
  /** A session with nothing running and no whole frame (or line) received for this long is closed. 0 = never. */
  idleTimeoutMs: number;
  /** A client must finish the TLS handshake, hello (and auth) within this long. 0 = no limit. */
  authTimeoutMs: number;
  /** Default and upper bound of a run's timeout. */
  runTimeoutMs: number;
  /** Bytes of output one run may produce before it is cut (OUTPUT_LIMIT). 0 = no cap. */
  maxOutput: number;
  /** On kill/SIGTERM, how long running commands may go on before they are stopped. */
  shutdownGraceMs: number;
  /** How long a failed auth waits before its answer (slows guessing). */
  authFailDelayMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxSessions: 256,
  maxStartups: 128,
  // `tcpcmd run --concurrency 64` from one machine opens 64 sessions at once.
  maxPerAddress: 64,
  maxFrame: DEFAULT_MAX_FRAME,
  maxQueue: 1024,
  idleTimeoutMs: 0,
  authTimeoutMs: 10_000,
  runTimeoutMs: 60_000,
  maxOutput: 16 * 1024 * 1024,
  shutdownGraceMs: 3_000,
  authFailDelayMs: 1_000,
};

/** The smallest frame limit that still fits every handshake frame. */
export const MIN_FRAME = 256;

/** Bounds of each limit: the least value and whether it is a duration (capped at MAX_TIMER_MS). */
const BOUNDS: Record<keyof Limits, { min: number; timer: boolean; zero?: string }> = {
  maxSessions: { min: 1, timer: false },
  maxStartups: { min: 1, timer: false },
  maxPerAddress: { min: 1, timer: false },
  maxFrame: { min: MIN_FRAME, timer: false },
  maxQueue: { min: 1, timer: false },
  idleTimeoutMs: { min: 0, timer: true, zero: 'never' },
  authTimeoutMs: { min: 0, timer: true, zero: 'no limit' },
  runTimeoutMs: { min: 1, timer: true },
  maxOutput: { min: 0, timer: false, zero: 'no cap' },
  shutdownGraceMs: { min: 0, timer: true },
  authFailDelayMs: { min: 0, timer: true },
};

/**
 * Checks every limit is a whole number in its range, so a typo cannot turn a
 * limit off (a NaN or negative) or make every run time out (a timer past
 * 2^31 ms fires at once). `name` says how the caller spells the option.
 */
export function validateLimits(limits: Limits, name: (key: keyof Limits) => string = (key) => `limits.${key}`): Limits {
  for (const key of Object.keys(BOUNDS) as (keyof Limits)[]) {
    const { min, timer, zero } = BOUNDS[key];
    const value = limits[key];
    const max = timer ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = `a whole number from ${min}${zero ? ` (0: ${zero})` : ''} to ${max}`;
      throw new TcpcmdError(ErrorCode.USAGE, `${name(key)} must be ${range}, got ${String(value)}`);
    }
  }
  return limits;
}
