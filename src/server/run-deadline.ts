/**
 * The timeout of a session's runs, with one timer per session instead of one
 * per run: a session runs one command at a time, and arming and clearing a
 * timer per run cost more than a builtin's whole work. The timer is left
 * armed between runs; when it fires early for the current run (it was armed
 * for an earlier one), it is armed again for what is left.
 */
export class RunDeadline {
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (performance.now() time). */
  private firesAt = 0;
  private deadline = 0;
  private onExpire: (() => void) | undefined;

  /** Starts the clock of a run: `onExpire` is called once `ms` have passed, unless `stop()` comes first. */
  start(ms: number, onExpire: () => void): void {
    this.deadline = performance.now() + ms;
    this.onExpire = onExpire;
    if (this.timer && this.firesAt <= this.deadline) return;
    this.arm(ms);
  }

  /** The run ended: its clock stops. */
  stop(): void {
    this.onExpire = undefined;
  }

  /** The session ended. */
  dispose(): void {
    this.onExpire = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.firesAt = performance.now() + ms;
    // unref: the session's socket, not this timer, keeps the process alive.
    this.timer = setTimeout(() => this.fired(), ms).unref();
  }

  private fired(): void {
    this.timer = undefined;
    const onExpire = this.onExpire;
    if (!onExpire) return;
    const left = this.deadline - performance.now();
    // Timers may fire a fraction of a millisecond before performance.now() says the time is up.
    if (left > 1) return this.arm(Math.ceil(left));
    this.onExpire = undefined;
    onExpire();
  }
}
