import { isUtf8 } from 'node:buffer';

export const DEFAULT_MAX_FRAME = 1024 * 1024;

/**
 * Longest frame a server reads before the handshake is done: a `hello` or an
 * `auth` takes a few hundred bytes, so nobody unauthenticated gets to make
 * the server hold (or parse) a megabyte.
 */
export const HANDSHAKE_MAX_FRAME = 4096;

export type LineEvent =
  | { kind: 'line'; line: string }
  /** A line was not valid UTF-8; the decoder goes on with the next line. */
  | { kind: 'bad-utf8'; bytes: number }
  /** A line grew past the limit; nothing after this is decoded (the peer is to be dropped). */
  | { kind: 'too-large'; bytes: number };

export interface LineDecoderOptions {
  /**
   * Keep a line's trailing `\r` (dropped by default, so CRLF from telnet or nc
   * works): then each line's UTF-8 length plus one is exactly the bytes it took,
   * for callers that track offsets.
   */
  keepCR?: boolean;
}

/**
 * Splits a byte stream into `\n`-terminated lines (a trailing `\r` is dropped,
 * so CRLF from telnet or nc works). Works on bytes, so a chunk may end anywhere,
 * inside a multi-byte character too: `\n` never occurs inside a UTF-8 sequence.
 * It never holds more than `maxLine` bytes of an unfinished line: past that it
 * reports `too-large` once and stops. It never throws on input.
 */
export class LineDecoder {
  private parts: Buffer[] = [];
  private pending = 0;
  private stopped = false;

  private readonly keepCR: boolean;

  constructor(private maxLine: number = DEFAULT_MAX_FRAME, options: LineDecoderOptions = {}) {
    this.keepCR = options.keepCR === true;
  }

  /** Changes the limit for what is decoded from now on (e.g. raised once a peer has authenticated). */
  setLimit(maxLine: number): void {
    this.maxLine = maxLine;
  }

  /** The limit in force. */
  get limit(): number {
    return this.maxLine;
  }

  /** Feeds a chunk; returns the events it completes, in order. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    if (this.stopped) return events;
    let start = 0;
    if (this.pending > 0) {
      // First the end of the line begun in earlier chunks.
      const nl = chunk.indexOf(10);
      if (nl === -1) return this.hold(chunk, 0, events);
      const size = this.pending + nl;
      if (size > this.maxLine) return this.stop(events, size);
      this.parts.push(chunk.subarray(0, nl));
      const line = Buffer.concat(this.parts, size);
      this.parts = [];
      this.pending = 0;
      events.push(decodeLine(line, this.keepCR));
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      const region = chunk.subarray(start, last);
      // The common case in one decode: valid UTF-8, and too short to hold a line over the limit.
      if (region.length <= this.maxLine && isUtf8(region)) this.splitText(region.toString('utf8'), (line) => events.push({ kind: 'line', line }) > 0);
      else if (!this.pushEach(chunk, start, last, events)) return events;
      start = last + 1;
    }
    return this.hold(chunk, start, events);
  }

  /** Keeps chunk[start..] as the beginning of the next line. */
  private hold(chunk: Buffer, start: number, events: LineEvent[]): LineEvent[] {
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (this.pending + rest > this.maxLine) return this.stop(events, this.pending + rest);
      // Copy: the caller may reuse its buffer, and a small slice must not pin a large one.
      this.parts.push(Buffer.from(chunk.subarray(start)));
      this.pending += rest;
    }
    return events;
  }

  /**
   * A chunk of whole lines with nothing held before it (an answer, a burst of
   * answers), valid UTF-8 and short enough: each line is handed to `each`
   * straight from one decode, with no events made (false from `each` stops).
   * Returns false, having done nothing, for any other chunk: push() it.
   */
  eachWholeLine(chunk: Buffer, each: (line: string) => boolean): boolean {
    if (this.pending > 0 || this.stopped || chunk.length > this.maxLine || chunk[chunk.length - 1] !== 10 || !isUtf8(chunk)) return false;
    this.splitText(chunk.toString('utf8', 0, chunk.length - 1), each);
    return true;
  }

  /** Lines of decoded text without its last newline. */
  private splitText(text: string, each: (line: string) => boolean): void {
    for (let from = 0; ;) {
      const nl = text.indexOf('\n', from);
      const end = nl === -1 ? text.length : nl;
      const cut = !this.keepCR && end > from && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (!each(text.slice(from, cut)) || nl === -1) return;
      from = nl + 1;
    }
  }

  /** Lines of chunk[start, last] (last is a newline) one by one, each checked for size and UTF-8. False once stopped. */
  private pushEach(chunk: Buffer, start: number, last: number, events: LineEvent[]): boolean {
    for (let from = start; from <= last;) {
      const nl = chunk.indexOf(10, from);
      if (nl - from > this.maxLine) {
        this.stop(events, nl - from);
        return false;
      }
      events.push(decodeLine(chunk.subarray(from, nl), this.keepCR));
      from = nl + 1;
    }
    return true;
  }

  /**
   * The unfinished line held now, as a line of its own (the peer said it was
   * done: it closed its side, or fell quiet after a packet with no newline);
   * undefined when nothing is held.
   */
  takeRest(): LineEvent | undefined {
    if (this.pending === 0 || this.stopped) return undefined;
    const bytes = Buffer.concat(this.parts, this.pending);
    this.parts = [];
    this.pending = 0;
    return decodeLine(bytes, this.keepCR);
  }

  /** Bytes of an unfinished line held now. */
  get buffered(): number {
    return this.pending;
  }

  private stop(events: LineEvent[], bytes: number): LineEvent[] {
    this.stopped = true;
    this.parts = [];
    this.pending = 0;
    events.push({ kind: 'too-large', bytes });
    return events;
  }
}

function decodeLine(bytes: Buffer, keepCR: boolean): LineEvent {
  const end = !keepCR && bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
  const body = bytes.subarray(0, end);
  if (!isUtf8(body)) return { kind: 'bad-utf8', bytes: body.length };
  return { kind: 'line', line: body.toString('utf8') };
}
