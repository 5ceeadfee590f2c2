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
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private failed = false;
  /** The chunks from the first byte of the record being read on. */
  private parts: { at: number; bytes: Buffer }[] = [];

  /** `at`: the file offset of the first byte to come. */
  constructor(private at: number) {}

  /** The next chunk of the file. */
  chunk(bytes: Buffer): void {
    this.parts.push({ at: this.at, bytes });
    this.at += bytes.length;
    if (this.failed) return;
    try {
      this.decoder.decode(bytes, { stream: true });
    } catch {
      this.failed = true;
    }
  }

  /** The input ended: a character cut short at the end is not UTF-8 either. */
  end(): void {
    if (this.failed) return;
    try {
      this.decoder.decode();
    } catch {
      this.failed = true;
    }
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
