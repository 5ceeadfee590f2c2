/** The part of a writable stream (a socket, stderr) the batched writer needs. */
export interface BatchSink {
  write(chunk: string | Uint8Array): boolean;
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
}

/** Text gathered before it is written anyway. */
const MAX_BATCH = 8 * 1024;

/** Least time between two writes of a `paced` writer. */
export const PACED_GAP_MS = 10;

/**
 * A settled promise: `.then` on it queues a microtask as a bare promise
 * reaction. queueMicrotask wraps each callback in an AsyncResource, which
 * cost more than the rest of a flush and a dozen more functions for V8 to
 * compile while a short session warms up.
 */
const SETTLED = Promise.resolve();

/**
 * When gathered text leaves:
 * - `tick`: once the work the current event has set off is done — the
 *   microtask queue has run dry — so a lone frame leaves without waiting for
 *   the next turn of the event loop (a peer waiting for one answer gets it at
 *   once), and a burst of frames made by one chunk of input still leaves in
 *   one write;
 * - `paced`: for text nobody waits on (log lines): on the next turn of the
 *   event loop, but no sooner than PACED_GAP_MS after the last write. A busy
 *   server logs a line per run; a write per run to a pipe woke its reader
 *   (another process on the same cores) once per run.
 */
export type FlushTiming = 'tick' | 'paced';

/**
 * Gathers the lines (frames, log lines) produced together and writes them
 * with one call: pipelined runs produce many small frames, and a write (a
 * system call) per frame cost more than everything else a run does.
 */
export class BatchedWriter {
  private parts: (string | Uint8Array)[] = [];
  /** A part is bytes: the batch is joined as bytes. */
  private bytes = false;
  private size = 0;
  private scheduled = false;
  /** When a `paced` writer last wrote (performance.now()). */
  private lastWrite = -Infinity;
  private readonly flushNow = (): void => {
    this.scheduled = false;
    this.flush();
  };
  /**
   * Runs the flush after every microtask queued so far and every one those
   * queue: a nextTick queued from a microtask runs once the queue is empty.
   */
  private readonly flushAfterMicrotasks = (): void => void process.nextTick(this.flushNow);

  constructor(private readonly sink: BatchSink, private readonly timing: FlushTiming = 'tick') {}

  /**
   * Queues text. Returns false when the peer is behind (the socket holds
   * more than its high-water mark): wait for the socket's 'drain' before
   * producing more. A false here always follows a socket write that returned
   * false, so 'drain' is sure to come.
   */
  write(text: string | Uint8Array): boolean {
    this.parts.push(text);
    this.size += text.length;
    if (typeof text !== 'string') this.bytes = true;
    if (this.size >= MAX_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      if (this.timing === 'tick') void SETTLED.then(this.flushAfterMicrotasks);
      else {
        const wait = this.lastWrite + PACED_GAP_MS - performance.now();
        if (wait > 0) setTimeout(this.flushNow, wait);
        else setImmediate(this.flushNow);
      }
    }
    return this.sink.writableLength < this.sink.writableHighWaterMark;
  }

  /**
   * Writes `text` at once when nothing is gathered (a lone request: there is
   * nothing to wait for), else gathers it as `write` does. For a caller that
   * knows nothing else is on its way, e.g. a client with no run in flight.
   */
  writeNow(text: string | Uint8Array): boolean {
    if (this.parts.length > 0 || this.sink.destroyed || this.sink.writableEnded) return this.write(text);
    return this.sink.write(text);
  }

  /**
   * Replaces the last text gathered with `replacement`, if that text is
   * still `expected` and not written yet; says whether it did.
   */
  replaceLast(expected: string, replacement: string): boolean {
    const last = this.parts.length - 1;
    if (last < 0 || this.parts[last] !== expected) return false;
    this.parts[last] = replacement;
    this.size += replacement.length - expected.length;
    return true;
  }

  /** Writes what is gathered now (call before ending the socket). */
  flush(): void {
    if (this.parts.length === 0) return;
    const parts = this.parts;
    const text = parts.length === 1 ? (parts[0] as string | Uint8Array) : this.bytes ? Buffer.concat(parts.map(asBytes)) : parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.timing === 'paced') this.lastWrite = performance.now();
    this.bytes = false;
    if (!this.sink.destroyed && !this.sink.writableEnded) this.sink.write(text);
  }
}

function asBytes(part: string | Uint8Array): Uint8Array {
  return typeof part === 'string' ? Buffer.from(part) : part;
}
