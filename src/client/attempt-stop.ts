/**
 * One connection attempt's end from outside: its deadline passed, or the
 * caller cancelled. It tells one callback, the step waiting now (the socket's
 * connect, then the handshake): an AbortController per attempt, and a
 * listener per step, were a tenth of a fan-out's CPU.
 */
export class AttemptStop {
  /** Why it stopped; undefined while it has not. */
  reason: 'timeout' | 'cancelled' | undefined;
  private listener: (() => void) | undefined;

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  /** The step to tell (undefined: none now). */
  onStop(fn: (() => void) | undefined): void {
    this.listener = fn;
  }

  stop(reason: 'timeout' | 'cancelled'): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}
