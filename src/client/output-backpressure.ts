/**
 * A run's output written to local streams (a terminal, a pipe) with
 * backpressure: while any of them is full, the connection stops reading from
 * the server, and it reads on once every full one has drained. A slow reader
 * slows the server down (TCP backpressure) instead of filling memory.
 */

/** Where output goes: a Writable, or anything that says as one does when it is full and when it has drained. */
export interface Drainable<T> {
  write(data: T): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export class OutputBackpressure {
  /** Outputs that are full, each waited for once. */
  readonly #waiting = new Set<object>();

  /** `pause` and `resume` stop and restart reading from the server (Connection's own, usually). */
  constructor(private readonly pause: () => void, private readonly resume: () => void) {}

  /** Writes `data` to `out`; when `out` is full, holds the connection until it drains. */
  write<T>(out: Drainable<T>, data: T): void {
    if (out.write(data) || this.#waiting.has(out)) return;
    this.#waiting.add(out);
    this.pause();
    out.once('drain', () => this.#drained(out));
  }

  /** `out` will never drain (its reader went away): stop waiting for it. */
  forget(out: object): void {
    this.#drained(out);
  }

  #drained(out: object): void {
    if (this.#waiting.delete(out) && this.#waiting.size === 0) this.resume();
  }
}
