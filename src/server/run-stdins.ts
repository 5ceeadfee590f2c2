import { PassThrough, type Readable } from 'node:stream';
import type { RunId, StdinFrame } from '../protocol/index.js';

/** Bytes of a run's stdin held before the session stops reading its client. */
export const STDIN_HIGH_WATER = 256 * 1024;

/**
 * The stdin of a session's runs that asked for one (`run.stdin`), fed by
 * `stdin` frames. Backpressure is TCP's: while a run's stdin holds more than
 * STDIN_HIGH_WATER bytes (its command reads slower than the client sends),
 * the session stops reading the socket (`hold(true)`), and reads again once
 * it has drained or the run has ended. Frames for a run already answered are
 * dropped: they crossed its `done` on the wire.
 */
export class RunStdins {
  private readonly streams = new Map<RunId, PassThrough>();
  /** The stream the session waits on, if any. */
  private waitingOn: PassThrough | undefined;

  constructor(private readonly hold: (on: boolean) => void) {}

  /** A run frame asked for stdin. */
  open(id: RunId): void {
    if (this.streams.has(id)) return;
    const stream = new PassThrough({ highWaterMark: STDIN_HIGH_WATER });
    stream.on('error', () => {}); // destroyed when its run ends; nobody else reads it
    this.streams.set(id, stream);
  }

  /** The run's stdin, or undefined when it did not ask for one. */
  get(id: RunId): Readable | undefined {
    return this.streams.get(id);
  }

  feed(frame: StdinFrame): void {
    const stream = this.streams.get(frame.id);
    if (!stream || stream.writableEnded) return;
    if (frame.data !== undefined && frame.data !== '' && !stream.write(Buffer.from(frame.data, 'base64')) && !this.waitingOn) {
      this.waitingOn = stream;
      this.hold(true);
      stream.once('drain', () => this.release(stream));
    }
    if (frame.eof) stream.end();
  }

  /** The run was answered: what it did not read is dropped. */
  close(id: RunId): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    stream.destroy();
    this.release(stream);
  }

  private release(stream: PassThrough): void {
    if (this.waitingOn !== stream) return;
    this.waitingOn = undefined;
    this.hold(false);
  }
}
