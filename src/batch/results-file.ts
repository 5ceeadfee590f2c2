/**
 * Reads a results file that `--resume` continues: each whole record (CSV or
 * JSONL) as a transcript row, with its line and byte range, so the caller can
 * trim a record cut short and drop the rows that run again. A file that is not
 * a results file is refused at the line that shows it.
 */
import { createReadStream } from 'node:fs';
import { ErrorCode, LineDecoder, TcpcmdError, formatAddress, parseAddress, parseHostPort, parseRunData, type RunData } from '../protocol/index.js';
import { OUTPUT_COLUMNS, type OutputRow, isStatus, normalizeColumnName } from './columns.js';
import { CsvSyntaxError, DEFAULT_MAX_RECORD_SIZE, isBlankRecord, readCsvRecords } from './csv-records.js';
import { parseExpectExit } from './expect.js';

export type ResumeFormat = 'csv' | 'jsonl';

export interface Item {
  line: number;
  start: number;
  end: number;
  row: OutputRow;
}

export function notResults(file: string, line: number, why: string): TcpcmdError {
  return new TcpcmdError(ErrorCode.BAD_INPUT, `${file}:${line}: ${why}; --resume takes a results file written by tcpcmd run`);
}

function rowFromCells(cells: readonly string[]): OutputRow | string {
  if (cells.length !== OUTPUT_COLUMNS.length) return `a results row has ${OUTPUT_COLUMNS.length} cells, this one ${cells.length}`;
  const [seq, name, target, command, timeout, expect, expectExit, status, exitCode, duration, startedAt, stdout, stderr, outputEncoding, error, data] = cells as string[] as [
    string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string,
  ];
  return rowFromValues({
    seq: /^[0-9]+$/.test(seq) ? Number(seq) : seq,
    name,
    target,
    command,
    timeout: timeout === '' ? null : Number(timeout),
    expect,
    expect_exit: expectExit,
    status,
    exit_code: exitCode === '' ? null : Number(exitCode),
    duration_ms: Number(duration),
    started_at: startedAt,
    stdout,
    stderr,
    output_encoding: outputEncoding,
    error,
    data: data === '' ? null : data,
  });
}

/** A row's data as written: an object (JSONL) or its JSON text (a CSV cell); null when absent or unreadable. */
function runData(v: unknown): RunData | null {
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      return null;
    }
  }
  const data = value === null || value === undefined ? undefined : parseRunData(value);
  return typeof data === 'object' ? data : null;
}

/** Checks the fields resume relies on; returns the row or what is wrong. */
function rowFromValues(v: Record<string, unknown>): OutputRow | string {
  const seq = v.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return `seq ${JSON.stringify(v.seq)} is not a row number`;
  if (!isStatus(v.status)) return `status ${JSON.stringify(v.status)} is not one of ok, failed, error, timeout, skipped`;
  if (typeof v.target !== 'string') return 'target is missing';
  // A server's name from servers.csv, or host:port (made canonical).
  let target = v.target.trim();
  if (target === '') return 'target is empty';
  try {
    if (parseHostPort(target).port !== null) target = formatAddress(parseAddress(target));
  } catch {
    // not an address: a name
  }
  const expectExit = parseExpectExit(String(v.expect_exit ?? ''));
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return {
    seq,
    name: str(v.name),
    target,
    command: str(v.command),
    timeout: num(v.timeout),
    expect: str(v.expect),
    expect_exit: expectExit.ok ? expectExit.value : 0,
    status: v.status,
    exit_code: num(v.exit_code),
    duration_ms: num(v.duration_ms) ?? 0,
    started_at: str(v.started_at),
    stdout: str(v.stdout),
    stderr: str(v.stderr),
    output_encoding: v.output_encoding === 'base64' ? 'base64' : '',
    error: str(v.error),
    data: runData(v.data),
  };
}

/** The results rows of a CSV file; ends (without throwing) at a record cut short by a kill. */
async function* csvItems(path: string, file: string, head: { seen: boolean; end: number }): AsyncGenerator<Item> {
  try {
    for await (const rec of readCsvRecords(path, { displayName: file })) {
      if (!rec.terminated) return; // cut short: every record tcpcmd writes ends with a line break
      if (isBlankRecord(rec.cells)) continue;
      if (!head.seen) {
        const names = rec.cells.map(normalizeColumnName);
        if (names.join(',') !== OUTPUT_COLUMNS.join(',')) throw notResults(file, rec.line, `the header is not the results header (${OUTPUT_COLUMNS.join(',')})`);
        head.seen = true;
        head.end = rec.end;
        continue;
      }
      const row = rowFromCells(rec.cells);
      if (typeof row === 'string') throw notResults(file, rec.line, row);
      yield { line: rec.line, start: rec.start, end: rec.end, row };
    }
  } catch (err) {
    // A quote left open at the end is a row cut inside a quoted cell (a prefix of valid CSV fails no other way).
    if (err instanceof CsvSyntaxError && err.code === 'CSV_QUOTE_NOT_CLOSED') return;
    if (err instanceof CsvSyntaxError) throw notResults(file, err.line, err.reason);
    throw err;
  }
}

/**
 * The rows of a JSONL file with their byte offsets; ends at a line with no
 * line break. A line may be as large as a CSV record (DEFAULT_MAX_RECORD_SIZE).
 */
async function* jsonlItems(path: string, file: string): AsyncGenerator<Item> {
  const decoder = new LineDecoder(DEFAULT_MAX_RECORD_SIZE, { keepCR: true }); // every byte counted, for the offsets
  let offset = 0;
  let line = 0;
  for await (const chunk of createReadStream(path)) {
    for (const event of decoder.push(chunk as Buffer)) {
      line++;
      if (event.kind === 'too-large') throw notResults(file, line, `a line is larger than ${DEFAULT_MAX_RECORD_SIZE} bytes`);
      if (event.kind === 'bad-utf8') throw notResults(file, line, 'not UTF-8 text');
      const start = offset;
      offset += Buffer.byteLength(event.line) + 1;
      if (event.line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(event.line);
      } catch {
        throw notResults(file, line, 'not a JSON object');
      }
      const row = typeof value === 'object' && value !== null ? rowFromValues(value as Record<string, unknown>) : 'not a JSON object';
      if (typeof row === 'string') throw notResults(file, line, row);
      yield { line, start, end: offset, row };
    }
  }
}

export function items(path: string, file: string, format: ResumeFormat, head: { seen: boolean; end: number }): AsyncGenerator<Item> {
  return format === 'csv' ? csvItems(path, file, head) : jsonlItems(path, file);
}
