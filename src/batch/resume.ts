/**
 * `--resume results.csv`: continue a killed batch in the same file. The file
 * is read once: the (seq, target) pairs it has are not run again, a last
 * record cut short by the kill is trimmed off, and rows of runs that did not
 * run or whose outcome is unknown (see `runAgain`) are dropped so they run
 * again and the file ends with each row exactly once.
 */
import { closeSync, openSync, readSync, renameSync, statSync, truncateSync, writeSync } from 'node:fs';
import { ErrorCode, TcpcmdError, isErrorCode, errorMessage } from '../protocol/index.js';
import type { OutputRow } from './columns.js';
import { type Shard, inShard } from './shard.js';
import { Tally } from './summary.js';
import { type ResumeFormat, items, notResults } from './results-file.js';

export type { ResumeFormat } from './results-file.js';

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
