/**
 * What a commands file is written in. UTF-8, with or without a BOM, is the
 * format; UTF-16LE with its BOM (what Windows PowerShell 5's `>` and
 * Out-File write) is read too. Bytes that are not UTF-8 are refused at the
 * record that holds them, rather than sent to a server as U+FFFD.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

export type CsvEncoding = 'utf8' | 'utf16le';

export interface Sniffed {
  encoding: CsvEncoding;
  /** Where reading starts: past the byte order mark when reading from the top. */
  start: number;
}

/** The file's encoding, from its first bytes; a string says why it cannot be read. */
export async function sniffEncoding(path: string, start: number): Promise<Sniffed | string> {
  // Three bytes, read at once: not worth a trip to the thread pool (see fileChunks in csv-records.ts).
  const fd = openSync(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(3);
    head = buffer.subarray(0, readSync(fd, buffer, 0, 3, 0));
  } finally {
    closeSync(fd);
  }
  const past = (bom: number): number => Math.max(start, bom);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', start: past(3) };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', start: past(2) };
  if (head[0] === 0xfe && head[1] === 0xff) return 'the file is UTF-16 big-endian, which tcpcmd does not read: save it as UTF-8';
  return { encoding: 'utf8', start };
}

export const NOT_UTF8 = 'this record is not valid UTF-8 (was the file saved as Latin-1 or Windows-1252?): save it as UTF-8';

/**
 * Finds the record that holds the first byte that is not UTF-8. A streaming
 * check of each chunk tells that there is one; then each record that reads
 * U+FFFD (what csv-parse makes of a bad byte) is checked on its own bytes, so
 * a U+FFFD written in the file is not taken for one.
 */
export class Utf8Check {
  private failed = false;
  /** The end of the last chunk when it stops inside a character: checked with the next chunk. */
  private carry: Buffer | undefined;
  /** The chunks from the first byte of the record being read on. */
  private parts: { at: number; bytes: Buffer }[] = [];

  /** `at`: the file offset of the first byte to come. */
  constructor(private at: number) {}

  /**
   * The next chunk of the file. Checked with isUtf8, which reads bytes and
   * makes nothing (a fatal TextDecoder built a string of each chunk: a
   * hundred times slower, a tenth of the check of a file of short rows).
   */
  chunk(bytes: Buffer): void {
    this.parts.push({ at: this.at, bytes });
    this.at += bytes.length;
    if (this.failed) return;
    const data = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    const whole = wholeCharacters(data);
    if (!isUtf8(data.subarray(0, whole))) this.failed = true;
    this.carry = whole < data.length ? Buffer.from(data.subarray(whole)) : undefined;
  }

  /** The input ended: a character cut short at the end is not UTF-8 either. */
  end(): void {
    if (this.carry) this.failed = true;
    this.carry = undefined;
  }

  /** The file has a byte that is not UTF-8 (somewhere). */
  get hasBadBytes(): boolean {
    return this.failed;
  }

  /** Whether the record at [start, end) is valid UTF-8; the bytes before `end` are let go. */
  valid(cells: readonly string[], start: number, end: number): boolean {
    const ok = !this.failed || !cells.some((c) => c.includes('\uFFFD')) || isUtf8(this.bytes(start, end));
    for (let first = this.parts[0]; first && first.at + first.bytes.length <= end; first = this.parts[0]) this.parts.shift();
    return ok;
  }

  private bytes(start: number, end: number): Buffer {
    const pieces: Buffer[] = [];
    for (const { at, bytes } of this.parts) {
      const from = Math.max(start, at);
      const to = Math.min(end, at + bytes.length);
      if (from < to) pieces.push(bytes.subarray(from - at, to - at));
    }
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
  }
}

/**
 * How many bytes of `data` end on a whole character: all of them, unless the
 * last (up to 3) bytes are the start of a multi-byte character whose other
 * bytes are still to come. Anything else is left for isUtf8 to judge.
 */
function wholeCharacters(data: Buffer): number {
  for (let i = data.length - 1; i >= 0 && i >= data.length - 3; i--) {
    const byte = data[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead byte
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return data.length - i < size ? i : data.length;
  }
  return data.length;
}
