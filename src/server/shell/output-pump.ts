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
  let progress = 0;
  let writing = false;
  let ended = false;
  /** No more chunks will come: the stream ended, broke or was stopped. */
  let closed = false;
  const queue: Buffer[] = [];
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const finish = (error?: { cause: unknown }): void => {
    if (ended) return;
    ended = true;
    stream.off('data', onData);
    if (error) rejectDone(error.cause);
    else resolveDone();
  };
  const next = (): void => {
    const chunk = queue.shift();
    if (chunk === undefined) {
      if (closed) finish();
      else stream.resume();
      return;
    }
    writing = true;
    let written: Promise<void>;
    try {
      written = write(name, chunk);
    } catch (cause) {
      written = Promise.reject(cause);
    }
    written.then(
      () => {
        writing = false;
        progress += 1;
        next();
      },
      (cause: unknown) => {
        writing = false;
        progress += 1;
        queue.length = 0;
        stream.destroy();
        finish({ cause });
      },
    );
  };
  const onData = (chunk: Buffer): void => {
    progress += 1;
    if (chunk.length === 0) return;
    queue.push(chunk);
    stream.pause();
    if (!writing) next();
  };
  // Stopped, or the pipe broke: what was read is still sent; the output simply ends there.
  const onClosed = (): void => {
    closed = true;
    if (!writing && queue.length === 0) finish();
  };
  stream.on('data', onData);
  stream.once('end', onClosed);
  stream.once('close', onClosed);
  stream.on('error', onClosed);
  return {
    done,
    get progress() { return progress; },
    get writing() { return writing; },
    get ended() { return ended; },
    stop() { stream.destroy(); },
  };
}
