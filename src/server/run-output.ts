import { ErrorCode, TcpcmdError, type StreamName } from '../protocol/index.js';
import type { RunAbort } from './run-abort.js';

/** Largest piece of output put in one frame, in UTF-16 units: even fully escaped it stays far below the frame limit. */
export const OUT_CHUNK = 64 * 1024;

/** Splits text into pieces of at most `size` units without cutting a surrogate pair. */
export function* chunks(text: string, size = OUT_CHUNK): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}

/**
 * Counts a run's output against the cap. When a write would pass it, only what
 * fits goes out, the run is marked truncated and aborted with OUTPUT_LIMIT.
 */
export class OutputBudget {
  private used = 0;
  truncated = false;

  constructor(private readonly cap: number, private readonly abort: RunAbort) {}

  /** Returns the part of `data` that may be sent ('' once the cap is reached). */
  take(_stream: StreamName, data: string): string {
    if (this.cap <= 0) return data;
    if (this.truncated) return '';
    const bytes = Buffer.byteLength(data);
    if (this.used + bytes <= this.cap) {
      this.used += bytes;
      return data;
    }
    const room = this.cap - this.used;
    this.used = this.cap;
    this.truncated = true;
    this.abort.abort(new TcpcmdError(ErrorCode.OUTPUT_LIMIT, `output passed the server's cap of ${this.cap} bytes; the rest was dropped and the command stopped`));
    // May end in U+FFFD where the cap cuts a multi-byte character; the run is marked truncated.
    return Buffer.from(data).subarray(0, room).toString('utf8');
  }
}
