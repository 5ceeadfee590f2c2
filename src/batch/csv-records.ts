/**
 * Streams the records of a CSV file (RFC 4180 via csv-parse) with what error
 * messages and resuming need and csv-parse does not give directly: the line
 * where each record starts, and the byte offsets where it starts and ends.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CsvError, Parser } from 'csv-parse';
import { ErrorCode, TcpcmdError, errorMessage } from '../protocol/index.js';
import { NOT_UTF8, type Sniffed, Utf8Check, sniffEncoding } from './csv-encoding.js';

export interface CsvRecord {
  cells: string[];
  /** 1-based line where the record starts (CRLF, LF and a lone CR each end a line). */
  line: number;
  /** Byte offset of the record's first byte in the file. */
  start: number;
  /** Byte offset just past the record, its line break included. */
  end: number;
  /** False only for a last record with no line break after it (maybe cut short). */
  terminated: boolean;
}

/** A syntax error at a record: `line` is where that record starts. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    /** Byte offset where the record starts. */
    readonly offset: number,
    /** csv-parse's code, e.g. CSV_QUOTE_NOT_CLOSED. */
    readonly code: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

export interface ReadCsvOptions {
  /** Name for messages (`<stdin>` for a spooled stdin). */
  displayName?: string;
  /** First byte to read; must be the start of a record. Default 0 (a BOM there is skipped). */
  start?: number;
  /** Byte offset to stop at (exclusive); must be the end of a record. */
  end?: number;
  /** Line number of the record at `start`. Default 1. */
  firstLine?: number;
  /** Largest record, in characters, before reading stops with an error (bounds memory on an unclosed quote). */
  maxRecordSize?: number;
  /** Read chunk size; tests make it tiny to cut records at every byte. */
  highWaterMark?: number;
}

export const DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024;

/** CRLFs in a record's cells: csv-parse's line counter counts each one inside quotes twice. */
function quotedCrlfs(cells: readonly string[]): number {
  let n = 0;
  for (const cell of cells) {
    for (let i = cell.indexOf('\r\n'); i !== -1; i = cell.indexOf('\r\n', i + 2)) n++;
  }
  return n;
}

function explain(err: CsvError, maxRecordSize: number): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unclosed quote: the quoted cell that starts in this record runs to the end of the file';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text after a closing quote: a quoted cell must end at a comma or at the end of the line (write a quote inside quotes as "")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted cell: quote the whole cell and double the quotes in it, e.g. "linux:echo ""hi"""';
    case 'CSV_MAX_RECORD_SIZE':
      return `record is larger than ${maxRecordSize} characters (an unclosed quote?)`;
    default:
      return err.message;
  }
}

/**
 * A csv-parse stream whose records are taken as they are pushed, with the
 * parser's counters at that moment (its `info`: bytes read, and the line the
 * record ends on), instead of going through the readable side: a chunk
 * written is parsed synchronously, so after `write` the records it completed
 * are all here, even when a syntax error stopped the parser right after them
 * (a stream that errors discards what it buffered, which would put the error
 * on the wrong line and make --resume lose finished rows). Cheaper, too, than
 * the `on_record` hook or the `raw`/`info` options, which build a string or
 * an object for every record.
 */
export class RecordTaker extends Parser {
  records: string[][] = [];
  /** Per record: bytes parsed when it was complete, and the line it ends on. */
  bytes: number[] = [];
  lines: number[] = [];

  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    this.records.push(record as string[]);
    this.bytes.push(this.info.bytes);
    this.lines.push(this.info.lines);
    return true;
  }

  /** Hands over what was parsed since the last call. */
  collected(): { records: string[][]; bytes: number[]; lines: number[] } {
    const taken = { records: this.records, bytes: this.bytes, lines: this.lines };
    this.records = [];
    this.bytes = [];
    this.lines = [];
    return taken;
  }
}

type Taken = ReturnType<RecordTaker['collected']> & {
  /** Parsed when the input ended (csv-parse's flush): the last record may have no line break. */
  atEnd: boolean;
};

/**
 * Parses a file from `options.start`, a chunk at a time, and yields each
 * chunk's records at once (a batch per chunk, not a promise per record, is
 * what keeps reading fast). A syntax error (a CsvError) is thrown after the
 * records before it were yielded; other errors (the file cannot be read) as they are.
 */
async function* parseChunks(path: string, options: ReadCsvOptions & Sniffed, onChunk?: (chunk: Buffer) => void): AsyncGenerator<Taken> {
  const source = fileChunks(path, options.start ?? 0, options.end, options.highWaterMark ?? DEFAULT_CHUNK);
  const parser = new RecordTaker({
    encoding: options.encoding,
    relax_column_count: true, // cell counts are checked by the caller, with better messages
    skip_empty_lines: false, // kept so lines and offsets stay exact
    record_delimiter: ['\r\n', '\n', '\r'], // explicit: auto-detection locks onto the first one
    max_record_size: options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE,
  });
  let failure: unknown;
  parser.on('error', (err) => {
    failure ??= err;
  });
  try {
    let chunks = 0;
    for (const chunk of source) {
      onChunk?.(chunk);
      parser.write(chunk); // parses synchronously
      yield { ...parser.collected(), atEnd: false };
      failure ??= parser.errored ?? undefined;
      if (failure !== undefined) throw failure;
      // A turn of the event loop between chunks (Ctrl+C, timers, and the connections `run` opens while it checks the file, whose handshakes go on meanwhile).
      if (++chunks % TURN_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await new Promise<void>((resolve) => {
      parser.once('error', () => resolve());
      parser.end(() => resolve());
    });
    yield { ...parser.collected(), atEnd: true };
    failure ??= parser.errored ?? undefined;
    if (failure !== undefined) throw failure;
  } finally {
    source.return(undefined);
    parser.destroy();
  }
}

const DEFAULT_CHUNK = 64 * 1024;
/**
 * Chunks read between two turns of the event loop: every chunk (64 KiB), so
 * that a connection's handshake is not held up until the check ends. A turn
 * with nothing to wait for costs microseconds and no system call that waits.
 */
const TURN_EVERY = 1;

/**
 * The bytes of `path` from `start` to `end` (exclusive), a chunk at a time,
 * read synchronously: a chunk of a local file is read in microseconds, where
 * each asynchronous read is a hop to the thread pool and back, a wake-up of
 * the process that waits its turn for a core on a busy machine. (A pipe is
 * refused before this, by sniffEncoding's positioned read: `run -` spools stdin to a file.)
 */
function* fileChunks(path: string, start: number, end: number | undefined, size: number): Generator<Buffer, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    for (let at = start; end === undefined || at < end; ) {
      // A fresh buffer per chunk: the parser keeps a view of a record cut at its end.
      const chunk = Buffer.allocUnsafe(end === undefined ? size : Math.min(size, end - at));
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n === 0) return;
      at += n;
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Yields the records of `path` in order, a chunk's worth at a time, blank
 * lines included (as `['']`), so that line numbers and offsets stay exact;
 * callers decide what blank means. Throws CsvSyntaxError on bad CSV or bytes
 * that are not UTF-8, and TcpcmdError(IO_ERROR) when the file cannot be
 * read. Memory: one chunk's records plus the stream buffers.
 */
export async function* readCsvBatches(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord[]> {
  const maxRecordSize = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
  const firstLine = options.firstLine ?? 1;
  let line = firstLine;
  let offset = options.start ?? 0;
  /** CRLFs inside quotes so far, each counted twice by csv-parse's line counter. */
  let doubled = 0;
  let read = 0;
  let lastByte = -1;
  const fail = (err: unknown): Error => {
    if (err instanceof CsvSyntaxError || err instanceof TcpcmdError) return err;
    if (err instanceof CsvError) return new CsvSyntaxError(line, explain(err, maxRecordSize), offset, err.code);
    const name = options.displayName ?? path;
    return new TcpcmdError(ErrorCode.IO_ERROR, `cannot read ${name}: ${errorMessage(err)}`, { cause: err });
  };
  try {
    const sniffed = await sniffEncoding(path, offset);
    if (typeof sniffed === 'string') throw new CsvSyntaxError(line, sniffed, offset, 'CSV_ENCODING');
    const from = sniffed.start;
    offset = from;
    const utf8 = sniffed.encoding === 'utf8' ? new Utf8Check(from) : undefined;
    const onChunk = (chunk: Buffer): void => {
      read += chunk.length;
      lastByte = chunk[chunk.length - 1] ?? lastByte;
      utf8?.chunk(chunk);
    };
    for await (const taken of parseChunks(path, { ...options, ...sniffed }, onChunk)) {
      if (taken.atEnd) utf8?.end();
      const records: CsvRecord[] = [];
      for (let i = 0; i < taken.records.length; i++) {
        const cells = taken.records[i] as string[];
        const end = from + (taken.bytes[i] ?? 0);
        if (utf8 && !utf8.valid(cells, offset, end)) throw new CsvSyntaxError(line, NOT_UTF8, offset, 'CSV_NOT_UTF8');
        // Only the last record of the input can lack a line break.
        const terminated = !taken.atEnd || end < from + read || lastByte === 10 || lastByte === 13;
        records.push({ cells, line, start: offset, end, terminated });
        doubled += quotedCrlfs(cells);
        // The parser's counter says the line this record ends on; the next starts on the one after.
        line = firstLine + (taken.lines[i] ?? 0) - doubled;
        offset = end;
      }
      if (records.length > 0) yield records;
    }
    if (utf8?.hasBadBytes) throw new CsvSyntaxError(line, NOT_UTF8, offset, 'CSV_NOT_UTF8');
  } catch (err) {
    throw fail(err);
  }
}

/** readCsvBatches, a record at a time: for small files (targets, resume). */
export async function* readCsvRecords(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(path, options)) yield* batch;
}

/**
 * The cells of each record from `start` to `end`, nothing else, a chunk's
 * worth at a time: the fast path for reading a file already validated.
 */
export async function* readCellBatches(path: string, options: Pick<ReadCsvOptions, 'displayName' | 'start' | 'end'> = {}): AsyncGenerator<string[][]> {
  const name = options.displayName ?? path;
  try {
    const sniffed = await sniffEncoding(path, options.start ?? 0);
    if (typeof sniffed === 'string') throw new TcpcmdError(ErrorCode.BAD_INPUT, `${name}: ${sniffed}`);
    for await (const { records } of parseChunks(path, { ...options, ...sniffed })) if (records.length > 0) yield records;
  } catch (err) {
    if (err instanceof TcpcmdError) throw err;
    if (err instanceof CsvError) throw new TcpcmdError(ErrorCode.BAD_INPUT, `${name}: changed while running: ${err.message}`);
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot read ${name}: ${errorMessage(err)}`, { cause: err });
  }
}

/** True for a record with nothing in it but white space: a blank line. */
export function isBlankRecord(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== '' && c.trim() !== '') return false;
  return true;
}
