import type { Readable } from 'node:stream';
import type { StreamName } from '../../protocol/index.js';

export type Write = (stream: StreamName, data: string | Uint8Array) => Promise<void>;

/** One child output stream being forwarded to `write`. */
export interface OutputPump {
  /** Settles when the stream has ended (or was stopped) and its last text was handed to `write`; rejects if `write` did. */
  readonly done: Promise<void>;
  /**
   * Counts chunks read and writes settled. Unchanged over a while, and not
   * `writing` now, means the stream flowed the whole time and nothing came.
   */
  readonly progress: number;
  /** A `write` is in flight, so the stream is paused on purpose (backpressure). */
  readonly writing: boolean;
  readonly ended: boolean;
  /** Stops reading and releases the pipe; text not yet read is dropped. */
  stop(): void;
}

/**
 * Forwards a child stream's bytes as they come (the session turns them into
 * text or base64 for its client: out-encoder.ts). Backpressure: the stream is
 * paused at each chunk and resumed only once every chunk read so far has been
 * handed to `write` and its promise settled, so a slow client slows the child
 * through the full pipe instead of growing memory here. (A chunk already on
 * its way when the stream pauses is queued, not lost.) Events rather than
 * async iteration: a shell run has two of these, and an iterator's promises
 * and listeners per stream were a measurable part of a short run.
 */
export function pumpOutput(stream: Readable, name: StreamName, write: Write): OutputPump {
  return new Pump(stream, name, write);
}

class Pump implements OutputPump {
  readonly done: Promise<void>;
  progress = 0;
  writing = false;
  ended = false;
  /** No more chunks will come: the stream ended, broke or was stopped. */
  #closed = false;
  readonly #queue: Buffer[] = [];
  #resolveDone: () => void = () => {};
  #rejectDone: (error: unknown) => void = () => {};

  constructor(
    private readonly stream: Readable,
    private readonly name: StreamName,
    private readonly write: Write,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    stream.on('data', this.#onData);
    stream.once('end', this.#onClosed);
    stream.once('close', this.#onClosed);
    stream.on('error', this.#onClosed);
  }

  stop(): void {
    this.stream.destroy();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.progress += 1;
    if (chunk.length === 0) return;
    this.#queue.push(chunk);
    this.stream.pause();
    if (!this.writing) this.#next();
  };

  // Stopped, or the pipe broke: what was read is still sent; the output simply ends there.
  readonly #onClosed = (): void => {
    this.#closed = true;
    if (!this.writing && this.#queue.length === 0) this.#finish();
  };

  #next(): void {
    const chunk = this.#queue.shift();
    if (chunk === undefined) {
      if (this.#closed) this.#finish();
      else this.stream.resume();
      return;
    }
    this.writing = true;
    let written: Promise<void>;
    try {
      written = this.write(this.name, chunk);
    } catch (cause) {
      written = Promise.reject(cause);
    }
    written.then(this.#written, this.#failed);
  }

  readonly #written = (): void => {
    this.writing = false;
    this.progress += 1;
    this.#next();
  };

  readonly #failed = (cause: unknown): void => {
    this.writing = false;
    this.progress += 1;
    this.#queue.length = 0;
    this.stream.destroy();
    this.#finish({ cause });
  };

  #finish(error?: { cause: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.off('data', this.#onData);
    if (error) this.#rejectDone(error.cause);
    else this.#resolveDone();
  }
}
