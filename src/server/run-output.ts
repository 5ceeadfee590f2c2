import { ErrorCode, TcpcmdError, type StreamName } from '../protocol/index.js';
import type { RunAbort } from './run-abort.js';

/**
 * What a write of a run's output returns when the client's socket took it at
 * once: one settled promise, not one per write. A command that gets it back
 * has nothing to wait for (print answers at once).
 */
export const WRITTEN: Promise<void> = Promise.resolve();

/** Largest piece of output put in one frame, in UTF-16 units: even fully escaped it stays far below the frame limit. */
export const OUT_CHUNK = 64 * 1024;
/** Largest piece of output bytes put in one frame: as base64 it is OUT_CHUNK characters. */
export const OUT_BYTES_CHUNK = (OUT_CHUNK / 4) * 3;

/** Splits output into pieces that each fit one frame (text: see `chunks`). */
export function* outputPieces(data: string | Uint8Array): Generator<string | Uint8Array> {
  if (typeof data === 'string') {
    yield* chunks(data);
    return;
  }
  for (let start = 0; start < data.length; start += OUT_BYTES_CHUNK) yield data.subarray(start, start + OUT_BYTES_CHUNK);
}

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

  /** Returns the part of `data` that may be sent (empty once the cap is reached). */
  take<T extends string | Uint8Array>(_stream: StreamName, data: T): T;
  take(_stream: StreamName, data: string | Uint8Array): string | Uint8Array {
    if (this.cap <= 0) return data;
    if (this.truncated) return typeof data === 'string' ? '' : data.subarray(0, 0);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.used + bytes <= this.cap) {
      this.used += bytes;
      return data;
    }
    const room = this.cap - this.used;
    this.used = this.cap;
    this.truncated = true;
    this.abort.abort(new TcpcmdError(ErrorCode.OUTPUT_LIMIT, `output passed the server's cap of ${this.cap} bytes; the rest was dropped and the command stopped`));
    if (typeof data !== 'string') return data.subarray(0, room);
    // May end in U+FFFD where the cap cuts a multi-byte character; the run is marked truncated.
    return Buffer.from(data).subarray(0, room).toString('utf8');
  }
}
