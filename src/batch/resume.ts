/**
 * `--resume results.csv`: continue a killed batch in the same file. The file
 * is read once: the (seq, target) pairs it has are not run again, a last
 * record cut short by the kill is trimmed off, and rows of runs that did not
 * run or whose outcome is unknown (see `runAgain`) are dropped so they run
 * again and the file ends with each row exactly once.
 */
import { closeSync, createReadStream, openSync, readSync, renameSync, statSync, truncateSync, writeSync } from 'node:fs';
import { ErrorCode, LineDecoder, TcpcmdError, formatAddress, isErrorCode, parseAddress, parseHostPort, parseRunData, type RunData, errorMessage } from '../protocol/index.js';
import { OUTPUT_COLUMNS, type OutputRow, isStatus, normalizeColumnName } from './columns.js';
import { CsvSyntaxError, DEFAULT_MAX_RECORD_SIZE, isBlankRecord, readCsvRecords } from './csv-records.js';
import { parseExpectExit } from './expect.js';
import { type Shard, inShard } from './shard.js';
import { Tally } from './summary.js';

/** Which (seq, target) pairs are done: one bit per input row per target, so a million rows cost 125 kB a target. */
export class DoneSet {
  private readonly bits = new Map<string, Uint8Array>();
  private readonly inShard = new Map<string, number>();

  constructor(private readonly maxSeq: number, private readonly shard: Shard) {}

  /** Returns false when it was already marked. */
  mark(seq: number, target: string): boolean {
    let bits = this.bits.get(target);
    if (!bits) this.bits.set(target, (bits = new Uint8Array((this.maxSeq >> 3) + 1)));
    const byte = seq >> 3;
    const bit = 1 << (seq & 7);
    if (((bits[byte] ?? 0) & bit) !== 0) return false;
    bits[byte] = (bits[byte] ?? 0) | bit;
    if (inShard(seq, this.shard)) this.inShard.set(target, (this.inShard.get(target) ?? 0) + 1);
    return true;
  }

  has(seq: number, target: string): boolean {
    const bits = this.bits.get(target);
    return bits !== undefined && ((bits[seq >> 3] ?? 0) & (1 << (seq & 7))) !== 0;
  }

  /** Done rows of this target that are in the shard. */
  countFor(target: string): number {
    return this.inShard.get(target) ?? 0;
  }
}

export type ResumeFormat = 'csv' | 'jsonl';

export interface ResumeState {
  done: DoneSet;
  /** The finished rows in the file (failures kept for the summary). */
  tally: Tally;
  /** Whether the file already has the format's head (the CSV header). */
  hasHead: boolean;
  /** Bytes of whole rows: what is kept of the file. */
  keepBytes: number;
  /** Rows to drop and run again (see `runAgain`). */
  dropped: number;
  /** Of those, rows whose run may have happened (in flight when its connection was lost). */
  unknown: number;
}

/** Errors that mean the command never ran: no connection, or the server turned the run away before it started. */
const NOT_RUN = new Set<string>([
  ErrorCode.CONNECT_FAILED, ErrorCode.TLS_ERROR, ErrorCode.AUTH_REQUIRED, ErrorCode.AUTH_FAILED, ErrorCode.AUTH_TIMEOUT,
  ErrorCode.PROTECTED_MODE, ErrorCode.TOO_MANY_SESSIONS, ErrorCode.PROTOCOL_VERSION, ErrorCode.QUEUE_FULL, ErrorCode.INTERRUPTED,
]);

/** Errors of a run whose connection ended while it was in flight: it may have run, in part or whole, or not at all. */
const UNKNOWN = new Set<string>([
  ErrorCode.CONNECTION_CLOSED, ErrorCode.SESSION_RESET, ErrorCode.SERVER_SHUTTING_DOWN, ErrorCode.IDLE_TIMEOUT, ErrorCode.PROTOCOL_ERROR,
]);

/** The code of a row's `error` cell (`CODE: message`), if it has a known one. */
function errorCode(row: OutputRow): string | undefined {
  const code = row.error.slice(0, row.error.indexOf(':'));
  return isErrorCode(code) ? code : undefined;
}

/**
 * Whether `--resume` runs a row again: `skipped` rows (not run: --fail-fast,
 * an interrupt), error rows of runs that never ran (NOT_RUN), and error rows
 * whose outcome is unknown (UNKNOWN): a row's outcome is what the file is
 * for, so a row that has none is run again, and the summary says how many
 * of those may have run once already.
 */
export function runAgain(row: OutputRow): 'not-run' | 'unknown' | false {
  if (row.status === 'skipped') return 'not-run';
  if (row.status !== 'error') return false;
  const code = errorCode(row);
  if (code === undefined) return false;
  if (NOT_RUN.has(code)) return 'not-run';
  return UNKNOWN.has(code) ? 'unknown' : false;
}

interface Item {
  line: number;
  start: number;
  end: number;
  row: OutputRow;
}

function notResults(file: string, line: number, why: string): TcpcmdError {
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

function items(path: string, file: string, format: ResumeFormat, head: { seen: boolean; end: number }): AsyncGenerator<Item> {
  return format === 'csv' ? csvItems(path, file, head) : jsonlItems(path, file);
}

export interface LoadResumeOptions {
  format: ResumeFormat;
  /** The batch's targets, as transcripts name them (servers.csv names, else host:port): a row for another one means the file is another batch's. */
  targets?: ReadonlySet<string>;
  /** Data rows in the input: a larger seq means the file is another input's results. */
  maxSeq: number;
  shard: Shard;
  displayName?: string;
}

/** Reads a results file (a missing or empty one is a fresh start). Changes nothing on disk. */
export async function loadResume(path: string, options: LoadResumeOptions): Promise<ResumeState> {
  const file = options.displayName ?? path;
  const done = new DoneSet(options.maxSeq, options.shard);
  const tally = new Tally();
  const head = { seen: options.format === 'jsonl', end: 0 };
  const state: ResumeState = { done, tally, hasHead: false, keepBytes: 0, dropped: 0, unknown: 0 };
  // Every pair seen, dropped ones too: a pair twice means the file is not one batch's results.
  const seen = new DoneSet(options.maxSeq, options.shard);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return state;
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  if (size === 0) return state;
  for await (const item of items(path, file, options.format, head)) {
    const { row } = item;
    if (row.seq > options.maxSeq) {
      throw notResults(file, item.line, `seq ${row.seq}, but the input has ${options.maxSeq} row${options.maxSeq === 1 ? '' : 's'} (results of another input?)`);
    }
    if (options.targets && !options.targets.has(row.target)) {
      throw notResults(file, item.line, `a row for ${row.target}, which is not a target of this batch (results of another batch?)`);
    }
    if (!seen.mark(row.seq, row.target)) throw notResults(file, item.line, `seq ${row.seq} on ${row.target} is there twice`);
    state.keepBytes = item.end;
    const again = runAgain(row);
    if (again) {
      state.dropped++;
      if (again === 'unknown') state.unknown++;
      continue;
    }
    done.mark(row.seq, row.target);
    tally.add(row);
  }
  state.hasHead = head.seen;
  if (options.format === 'csv') state.keepBytes = Math.max(state.keepBytes, head.seen ? head.end : 0);
  return state;
}

/**
 * Makes the file hold exactly the finished rows: cuts a torn last record off
 * and, when there are rows to run again, rewrites it without them (to a temp
 * file renamed over it, so a kill meanwhile loses nothing).
 */
export async function prepareResumeFile(path: string, state: ResumeState, format: ResumeFormat, displayName = path): Promise<void> {
  try {
    if (state.dropped === 0) {
      if (exists(path)) truncateSync(path, state.keepBytes);
      return;
    }
    const tmp = `${path}.tcpcmd-resume-${process.pid}`;
    const src = openSync(path, 'r');
    const dst = openSync(tmp, 'w');
    try {
      const head = { seen: format === 'jsonl', end: 0 };
      let copiedHead = false;
      for await (const item of items(path, displayName, format, head)) {
        if (!copiedHead && head.end > 0) copyRange(src, dst, 0, head.end);
        copiedHead = true;
        if (!runAgain(item.row)) copyRange(src, dst, item.start, item.end);
        if (item.end >= state.keepBytes) break;
      }
      if (!copiedHead && head.end > 0) copyRange(src, dst, 0, head.end);
    } finally {
      closeSync(src);
      closeSync(dst);
    }
    renameSync(tmp, path);
  } catch (err) {
    if (err instanceof TcpcmdError) throw err;
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot prepare ${displayName} for --resume: ${errorMessage(err)}`, { cause: err });
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function copyRange(src: number, dst: number, start: number, end: number): void {
  const buf = Buffer.allocUnsafe(Math.min(end - start, 1 << 20));
  for (let pos = start; pos < end; ) {
    const n = readSync(src, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) break;
    let off = 0;
    while (off < n) off += writeSync(dst, buf, off, n - off);
    pos += n;
  }
}
