/**
 * Streams the records of a CSV file (RFC 4180 via csv-parse) with what error
 * messages and resuming need and csv-parse does not give directly: the line
 * where each record starts, and the byte offsets where it starts and ends.
 */
import { createReadStream } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import { ErrorCode, TcpcmdError } from '../protocol/index.js';

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

/** Line breaks in a record's raw text; a CRLF counts once. */
function countLineBreaks(raw: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (raw.charCodeAt(i + 1) === 10) i++;
    }
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

interface Parsed {
  record: string[];
  raw: string;
  end: number;
}

/**
 * Yields the records of `path` in order, blank lines included (as `['']`), so
 * that line numbers and offsets stay exact; callers decide what blank means.
 * Throws CsvSyntaxError on bad CSV and TcpcmdError(IO_ERROR) when the file
 * cannot be read. Memory: one chunk's records plus the stream buffers.
 *
 * Records are taken from csv-parse's on_record hook, which runs synchronously
 * as each record completes, and chunks are fed by hand: iterating the parser
 * stream instead would drop the records parsed just before an error (a
 * destroyed stream discards its buffer), which would put the error on the
 * wrong line and make --resume lose finished rows.
 */
export async function* readCsvRecords(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  const start = options.start ?? 0;
  const maxRecordSize = options.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
  const source = createReadStream(path, {
    start,
    end: options.end === undefined ? undefined : options.end - 1, // fs `end` is inclusive
    highWaterMark: options.highWaterMark,
  });
  let queue: Parsed[] = [];
  let failure: unknown;
  const parser = parse({
    bom: start === 0,
    raw: true, // for line counting: csv-parse counts a CRLF inside quotes twice
    relax_column_count: true, // cell counts are checked by the caller, with better messages
    skip_empty_lines: false, // kept so lines and offsets stay exact
    record_delimiter: ['\r\n', '\n', '\r'], // explicit: auto-detection locks onto the first one
    max_record_size: maxRecordSize,
    on_record: (item: unknown, context: { bytes: number }) => {
      const { record, raw } = item as { record: string[]; raw: string };
      queue.push({ record, raw, end: start + context.bytes });
      return null; // taken here; nothing goes through the stream
    },
  });
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.resume(); // the readable side stays empty; let it end

  let line = options.firstLine ?? 1;
  let offset = start;
  function* drain(): Generator<CsvRecord> {
    const items = queue;
    queue = [];
    for (const item of items) {
      const last = item.raw.charCodeAt(item.raw.length - 1);
      yield { cells: item.record, line, start: offset, end: item.end, terminated: last === 10 || last === 13 };
      line += countLineBreaks(item.raw);
      offset = item.end;
    }
  }
  const fail = (err: unknown): Error => {
    if (err instanceof CsvError) return new CsvSyntaxError(line, explain(err, maxRecordSize), offset, err.code);
    const name = options.displayName ?? path;
    return new TcpcmdError(ErrorCode.IO_ERROR, `cannot read ${name}: ${(err as Error).message}`, { cause: err });
  };
  try {
    try {
      for await (const chunk of source) {
        parser.write(chunk as Buffer); // parses synchronously into the queue
        yield* drain();
        failure ??= parser.errored ?? undefined;
        if (failure !== undefined) break;
      }
      if (failure === undefined) {
        await new Promise<void>((resolve) => {
          parser.once('error', () => resolve());
          parser.end(() => resolve());
        });
      }
    } catch (err) {
      failure ??= err; // the file could not be read
    }
    yield* drain();
    if (failure !== undefined) throw fail(failure);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/**
 * The cells of each record from `start` to `end`, nothing else: the fast path
 * for reading a file already validated (csv-parse's per-record info object
 * costs as much as the parsing).
 */
export async function* readCsvCells(path: string, options: Pick<ReadCsvOptions, 'displayName' | 'start' | 'end'> = {}): AsyncGenerator<string[]> {
  const start = options.start ?? 0;
  const source = createReadStream(path, { start, end: options.end === undefined ? undefined : options.end - 1 });
  const parser = parse({
    bom: start === 0,
    relax_column_count: true,
    skip_empty_lines: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: DEFAULT_MAX_RECORD_SIZE,
  });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    yield* parser as AsyncIterable<string[]>;
  } catch (err) {
    const name = options.displayName ?? path;
    if (err instanceof CsvError) throw new TcpcmdError(ErrorCode.BAD_INPUT, `${name}: changed while running: ${err.message}`);
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot read ${name}: ${(err as Error).message}`, { cause: err });
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** True for a record with nothing in it but white space: a blank line. */
export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}
