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
 * text or base64 for its client: out-encoder.ts). Backpressure: the stream is pulled one
 * chunk at a time (async iteration) and the next pull waits for the previous
 * `write`, so a slow client slows the child through the full pipe instead of
 * growing memory here. (Pausing from a 'data' handler is not enough: a
 * resume already scheduled can deliver one more chunk.)
 */
export function pumpOutput(stream: Readable, name: StreamName, write: Write): OutputPump {
  let progress = 0;
  let writing = false;
  let ended = false;
  const send = async (bytes: Buffer): Promise<void> => {
    if (bytes.length === 0) return;
    writing = true;
    try {
      await write(name, bytes);
    } catch (error) {
      throw new WriteFailed(error);
    } finally {
      writing = false;
      progress += 1;
    }
  };
  const done = (async () => {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        progress += 1;
        await send(chunk);
      }
    } catch (error) {
      if (error instanceof WriteFailed) throw error.cause;
      // Stopped, or the pipe broke: what was read has been sent; the output simply ends here.
    } finally {
      ended = true;
    }
  })();
  return {
    done,
    get progress() { return progress; },
    get writing() { return writing; },
    get ended() { return ended; },
    stop() { stream.destroy(); },
  };
}

/** Tells a failed `write` (the run must stop) apart from a broken or stopped stream (the output just ends). */
class WriteFailed extends Error {
  constructor(cause: unknown) {
    super('write failed', { cause });
  }
}
