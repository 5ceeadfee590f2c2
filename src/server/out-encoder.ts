import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { StreamName } from '../protocol/index.js';

/** One `out` frame's payload: text, or base64 of bytes that are not UTF-8. */
export interface OutPiece {
  data: string;
  encoding?: 'base64';
}

/**
 * Turns a run's output bytes into `out` frame payloads for a JSON client.
 * A client that negotiated `bytes` gets every byte: a chunk that is valid
 * UTF-8 goes as text, any other as base64 (a character cut by the chunk's end
 * is held for the next chunk, so text output stays text). An older client
 * gets text, as it always did: bytes that are not UTF-8 become U+FFFD.
 * One per session; a session runs one command at a time, `end` after each.
 */
export class OutEncoder {
  private readonly tails: Record<StreamName, Buffer | undefined> = { stdout: undefined, stderr: undefined };
  private readonly decoders: Partial<Record<StreamName, StringDecoder>> = {};

  constructor(private readonly bytes: boolean) {}

  encode(stream: StreamName, chunk: Uint8Array): OutPiece | undefined {
    if (!this.bytes) {
      const text = (this.decoders[stream] ??= new StringDecoder('utf8')).write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      return text === '' ? undefined : { data: text };
    }
    const tail = this.tails[stream];
    let buf = tail ? Buffer.concat([tail, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const cut = incompleteTail(buf);
    this.tails[stream] = cut > 0 ? Buffer.from(buf.subarray(buf.length - cut)) : undefined;
    if (cut > 0) buf = buf.subarray(0, buf.length - cut);
    if (buf.length === 0) return undefined;
    return isUtf8(buf) ? { data: buf.toString('utf8') } : { data: buf.toString('base64'), encoding: 'base64' };
  }

  /** What is held of each stream at the end of a run. */
  *end(): Generator<[StreamName, OutPiece]> {
    for (const stream of ['stdout', 'stderr'] as const) {
      const tail = this.tails[stream];
      this.tails[stream] = undefined;
      if (tail) yield [stream, { data: tail.toString('base64'), encoding: 'base64' }];
      const decoder = this.decoders[stream];
      delete this.decoders[stream];
      const rest = decoder?.end();
      if (rest) yield [stream, { data: rest }];
    }
  }
}

/** How many bytes at the end of `buf` begin a UTF-8 character that is not complete (0–3). */
function incompleteTail(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = buf[n - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 && byte <= 0xf7 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}
