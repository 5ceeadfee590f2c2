import type { LogEvent, Logger } from './log.js';

/** How often counted lines are summed up in the log. */
export const REPEAT_INTERVAL_MS = 10_000;
/** Kinds (address and code) counted apart in one interval; the rest are counted together under `*`. */
export const MAX_REPEAT_KEYS = 1_000;

interface Count {
  address: string;
  what: string;
  count: number;
}

/**
 * Log lines about connections that never got in (refusals, failed or
 * abandoned handshakes, wrong proofs) are what a flood makes: the first of
 * each kind from each address is logged as it is, the rest are counted and
 * written as one line per address and kind per interval, so a flood cannot
 * fill the disk and an operator still sees who and how many.
 */
export class RepeatedLog {
  private readonly counts = new Map<string, Count>();
  private timer: NodeJS.Timeout | undefined;
  private intervalStart = 0;

  constructor(private readonly logger: Logger, private readonly intervalMs = REPEAT_INTERVAL_MS, private readonly maxKeys = MAX_REPEAT_KEYS) {}

  /** Logs `event`, or counts it when one of its kind (`what`, e.g. `refused TOO_MANY_SESSIONS`) from `address` was logged in this interval. */
  note(address: string, what: string, event: LogEvent): void {
    let key = `${address} ${what}`;
    const seen = this.counts.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    if (this.counts.size >= this.maxKeys) {
      key = `* ${what}`;
      const other = this.counts.get(key);
      if (other) other.count++;
      else this.counts.set(key, { address: '*', what, count: 1 });
      return;
    }
    this.counts.set(key, { address, what, count: 0 });
    this.logger.log(event);
    if (!this.timer) {
      this.intervalStart = Date.now();
      this.timer = setTimeout(() => this.flush(), this.intervalMs).unref();
    }
  }

  /** Writes the counts of this interval and starts a new one. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const seconds = Math.max(1, Math.round((Date.now() - this.intervalStart) / 1000));
    for (const { address, what, count } of this.counts.values()) {
      if (count > 0) this.logger.log({ event: 'repeated', address, what, count, seconds });
    }
    this.counts.clear();
  }
}
