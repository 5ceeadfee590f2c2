/**
 * The session as a transcript: the rows, columns and CSV of `tcpcmd run`'s
 * results (written by the batch runner's own writer), so `tcpcmd run
 * session.csv` replays a session. For `.save` the rows are kept: in memory
 * up to HELD_CHARS, then in a private spool file, so memory stays bounded
 * however long the day (most sessions end without a `.save`, and then no row
 * is ever encoded). With `--record` each row also goes to that file, written
 * through before the next command runs, so a crash loses nothing.
 */
import { createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunResult } from '../client/index.js';
import { ErrorCode, TcpcmdError, errorMessage } from '../protocol/index.js';
import { RowSink, answeredRow, batchTools, fileSink, judgeRejection, rejectedRow, type OutputRow, type RowFormat } from './batch-api.js';

/** A row before the transcript numbers it: its seq is 0 until then. */
export type TranscriptRow = OutputRow;

/** A command sent from the REPL: the part of its transcript row known before the answer. */
export interface SentCommand {
  target: string;
  command: string;
  /** ms, or null for the server's default. */
  timeout: number | null;
  /** Date.now() when it was sent. */
  sentAt: number;
}

/** A typed command passes when it exits 0, as a CSV row with no expectations would. */
const typed = (a: SentCommand) => ({ seq: 0, name: '', command: a.command, expect: '', expectExit: 0 });

export function rowFromResult(a: SentCommand, result: RunResult): TranscriptRow {
  return answeredRow(typed(a), a.target, a.timeout, result, a.sentAt);
}

/** A command that got no answer (not connected, connection lost). */
export function rowFromFailure(a: SentCommand, err: unknown): TranscriptRow {
  return rejectedRow(typed(a), a.target, a.timeout, judgeRejection(err), a.sentAt);
}

/** A row in the spool: its values in OutputRow's column order, without keys. */
type SpoolValues = [
  OutputRow['seq'], OutputRow['name'], OutputRow['target'], OutputRow['command'], OutputRow['timeout'], OutputRow['expect'],
  OutputRow['expect_exit'], OutputRow['status'], OutputRow['exit_code'], OutputRow['duration_ms'], OutputRow['started_at'],
  OutputRow['stdout'], OutputRow['stderr'], OutputRow['output_encoding'], OutputRow['error'], OutputRow['data'],
];

function spoolLine(r: OutputRow): string {
  const values: SpoolValues = [
    r.seq, r.name, r.target, r.command, r.timeout, r.expect, r.expect_exit, r.status, r.exit_code, r.duration_ms, r.started_at,
    r.stdout, r.stderr, r.output_encoding, r.error, r.data,
  ];
  return JSON.stringify(values);
}

function fromSpool(line: string): OutputRow {
  // Our own spool, written by spoolLine: the same values and types come back.
  const [seq, name, target, command, timeout, expect, expect_exit, status, exit_code, duration_ms, started_at, stdout, stderr, output_encoding, error, data] =
    JSON.parse(line) as SpoolValues;
  return { seq, name, target, command, timeout, expect, expect_exit, status, exit_code, duration_ms, started_at, stdout, stderr, output_encoding, error, data };
}

/**
 * The private spool: a JSON array of values per row (only .save reads it
 * back). csv-stringify per row was the costliest part of a piped session; a
 * JSON object per row, with its keys, cost twice an array's time and five
 * times its bytes.
 */
const spoolFormat: RowFormat = {
  head: () => '',
  rows: (rows) => rows.map(spoolLine).join('\n') + '\n',
  tail: () => '',
};

const SPOOL_FILE = 'transcript.jsonl';

/** Characters of rows (their text, and a guess for the rest) kept in memory before they go to the spool. */
export const HELD_CHARS = 8 * 1024 * 1024;
/** What a row costs beyond its command and output, about (its other cells and the object). */
const ROW_CHARS = 256;

function openRows(path: string, format: RowFormat, mode?: number): RowSink {
  let fd: number;
  try {
    fd = openSync(path, 'w', mode);
  } catch (err) {
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot write ${path}: ${errorMessage(err)}`, { cause: err });
  }
  return new RowSink(format, fileSink(fd, path));
}

export class Transcript {
  private seq = 0;
  private readonly reported = new Set<string>();
  /** Rows since the last spill, oldest first. */
  private held: OutputRow[] = [];
  private heldChars = 0;
  /** Made at the first spill. */
  private spool: { dir: string; sink: RowSink } | undefined;

  private constructor(
    private readonly record: RowSink | undefined,
    private readonly warn: (message: string) => void,
    private readonly heldLimit: number,
  ) {}

  /**
   * Opens `record` (truncated: it is this session's transcript). A write
   * error later is told once through `warn`; the session goes on.
   */
  static async open(record: string | undefined, warn: (message: string) => void, heldLimit = HELD_CHARS): Promise<Transcript> {
    const recordSink = record === undefined ? undefined : openRows(record, (await batchTools()).csvFormat());
    return new Transcript(recordSink, warn, heldLimit);
  }

  get rows(): number {
    return this.seq;
  }

  /**
   * Numbers the row, keeps it for .save, and with --record writes it through
   * (synchronously: it is on disk before the next command). `throughNow:
   * false` (a piped session, whose commands run ahead anyway): written with
   * the other rows of the same tick.
   */
  add(row: TranscriptRow, throughNow = true): OutputRow {
    // Each row is made for this call: numbered in place, not copied.
    const numbered: OutputRow = row;
    numbered.seq = ++this.seq;
    this.held.push(numbered);
    this.heldChars += ROW_CHARS + row.command.length + row.stdout.length + row.stderr.length;
    if (this.heldChars > this.heldLimit) this.spill();
    if (this.record) this.write(this.record, numbered, throughNow);
    return numbered;
  }

  /** Moves the rows held in memory to the spool file. */
  private spill(): void {
    const held = this.held;
    this.held = [];
    this.heldChars = 0;
    if (held.length === 0) return;
    let spool = this.spool;
    if (!spool) {
      let dir: string;
      try {
        dir = mkdtempSync(join(tmpdir(), 'tcpcmd-repl-')); // 0700: outputs may be private
      } catch (err) {
        return this.tell(new TcpcmdError(ErrorCode.IO_ERROR, `cannot make a folder in ${tmpdir()}: ${errorMessage(err)}`, { cause: err }), '.save will miss rows');
      }
      spool = this.spool = { dir, sink: openRows(join(dir, SPOOL_FILE), spoolFormat, 0o600) };
    }
    for (const row of held) spool.sink.push(row);
    spool.sink.flush();
    if (spool.sink.error) this.tell(spool.sink.error, '.save will miss rows');
  }

  private write(sink: RowSink, row: OutputRow, throughNow: boolean): void {
    sink.push(row);
    if (throughNow) sink.flush();
    if (sink.error) this.tell(sink.error, 'recording stopped');
  }

  /** A write error, once per kind. */
  private tell(error: Error, what: string): void {
    if (this.reported.has(what)) return;
    this.reported.add(what);
    this.warn(`${what}: ${error.message}`);
  }

  /** `.save`: the session so far, as a transcript CSV. */
  async save(path: string): Promise<number> {
    const held = this.held;
    const csv = openRows(path, (await batchTools()).csvFormat());
    try {
      if (this.spool) {
        this.spool.sink.flush();
        const lines = createInterface({ input: createReadStream(join(this.spool.dir, SPOOL_FILE)), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line !== '') csv.push(fromSpool(line));
        }
      }
      for (const row of held) csv.push(row);
    } finally {
      await csv.close(); // throws the first write error
    }
    return this.seq;
  }

  async close(): Promise<void> {
    const { spool } = this;
    this.held = [];
    try {
      // Errors were told as they happened.
      await Promise.all([spool?.sink.close().catch(() => undefined), this.record?.close().catch(() => undefined)]);
    } finally {
      if (spool) rmSync(spool.dir, { recursive: true, force: true });
    }
  }
}
