/**
 * The session as a transcript: the rows, columns and CSV of `tcpcmd run`'s
 * results (written by the batch runner's own writer), so `tcpcmd run
 * session.csv` replays a session. Rows go to a private spool file (memory
 * stays flat however long the day) for `.save`, and with `--record` to that
 * file as well, each row written through before the next command runs, so a
 * crash loses nothing.
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

/**
 * The private spool: a JSON object per row, keys in whatever order (only
 * .save reads it back). csv-stringify per row was the costliest part of a
 * piped session, and a key-ordering replacer the next.
 */
const spoolFormat: RowFormat = {
  head: () => '',
  rows: (rows) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n',
  tail: () => '',
};

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
  private readonly reported = new Set<RowSink>();

  private constructor(
    private readonly spoolDir: string,
    private readonly spool: RowSink,
    private readonly record: RowSink | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Creates the spool and, with `record`, that file (truncated: it is this
   * session's transcript). A write error later is told once through `warn`;
   * the session goes on.
   */
  static async open(record: string | undefined, warn: (message: string) => void): Promise<Transcript> {
    const recordSink = record === undefined ? undefined : openRows(record, (await batchTools()).csvFormat());
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-repl-')); // 0700: outputs may be private
    return new Transcript(dir, openRows(join(dir, 'transcript.jsonl'), spoolFormat, 0o600), recordSink, warn);
  }

  get rows(): number {
    return this.seq;
  }

  private get spoolPath(): string {
    return join(this.spoolDir, 'transcript.jsonl');
  }

  /**
   * Numbers the row and writes it through (synchronously: it is on disk before
   * the next command). `throughNow: false` (a piped session, whose commands run
   * ahead anyway): written with the other rows of the same tick.
   */
  add(row: TranscriptRow, throughNow = true): OutputRow {
    // Each row is made for this call: numbered in place, not copied.
    const numbered: OutputRow = row;
    numbered.seq = ++this.seq;
    this.write(this.spool, numbered, throughNow);
    if (this.record) this.write(this.record, numbered, throughNow);
    return numbered;
  }

  private write(sink: RowSink, row: OutputRow, throughNow: boolean): void {
    sink.push(row);
    if (throughNow) sink.flush();
    if (sink.error && !this.reported.has(sink)) {
      this.reported.add(sink);
      this.warn(`${sink === this.record ? 'recording stopped' : '.save will miss rows'}: ${sink.error.message}`);
    }
  }

  /** `.save`: the session so far, as a transcript CSV. */
  async save(path: string): Promise<number> {
    this.spool.flush();
    const csv = openRows(path, (await batchTools()).csvFormat());
    try {
      const lines = createInterface({ input: createReadStream(this.spoolPath), crlfDelay: Infinity });
      for await (const line of lines) {
        // Our own spool, written from OutputRows: the same keys and types come back.
        if (line !== '') csv.push(JSON.parse(line) as OutputRow);
      }
    } finally {
      await csv.close(); // throws the first write error
    }
    return this.seq;
  }

  async close(): Promise<void> {
    try {
      // Errors were told as they happened.
      await Promise.all([this.spool.close().catch(() => undefined), this.record?.close().catch(() => undefined)]);
    } finally {
      rmSync(this.spoolDir, { recursive: true, force: true });
    }
  }
}
