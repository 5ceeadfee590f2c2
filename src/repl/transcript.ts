/**
 * The session as a transcript: the rows, columns and CSV of `tcpcmd run`'s
 * results (written by the batch runner's own writer), so `tcpcmd run
 * session.csv` replays a session. Rows go to a private spool file (memory
 * stays flat however long the day) for `.save`, and with `--record` to that
 * file as well, each row written through before the next command runs, so a
 * crash loses nothing.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../client/index.js';
import { ErrorCode, TcpcmdError, errorMessage } from '../protocol/index.js';
import { RowSink, answeredRow, batchTools, fileSink, judgeRejection, rejectedRow, type ByteSink, type OutputRow, type RowFormat } from './batch-api.js';

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
 * The spool: the rows of a tick (a piped session's answers read together)
 * as one JSON array a line; only .save reads them back. csv-stringify per
 * row was the costliest part of a piped session; one native JSON.stringify
 * per tick costs a fraction of one per row.
 */
const spoolFormat: RowFormat = {
  head: () => '',
  rows: (rows) => `${JSON.stringify(rows)}\n`,
  tail: () => '',
};

const SPOOL_FILE = 'transcript.jsonl';

function openRows(path: string, format: RowFormat, mode?: number): RowSink {
  return new RowSink(format, fileSink(openFile(path, mode), path));
}

function openFile(path: string, mode?: number): number {
  try {
    return openSync(path, 'w', mode);
  } catch (err) {
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot write ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * The spool file, made at the first write, in a private folder removed at
 * close. Rows go to it as they come, not kept in memory: memory stays flat
 * however long the day, and the encoded rows of a 20,000-command session
 * kept in memory cost more in garbage collection (copied as they survived)
 * than writing them out.
 */
class SpoolFile implements ByteSink {
  private file: { dir: string; path: string; out: ByteSink } | undefined;

  write(text: string): undefined {
    this.open().out.write(text);
    return undefined;
  }

  /** Throws an IO_ERROR when it cannot make the file (RowSink keeps it as its error). */
  private open(): { dir: string; path: string; out: ByteSink } {
    if (this.file) return this.file;
    let dir: string;
    try {
      dir = mkdtempSync(join(tmpdir(), 'tcpcmd-repl-')); // 0700: outputs may be private
    } catch (err) {
      throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot make a folder in ${tmpdir()}: ${errorMessage(err)}`, { cause: err });
    }
    const path = join(dir, SPOOL_FILE);
    let fd: number | undefined;
    try {
      fd = openFile(path, 0o600);
      this.file = { dir, path, out: fileSink(fd, path) };
    } catch (err) {
      // Nothing is left behind by a spool that could not be made.
      if (fd !== undefined) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return this.file;
  }

  /** The spool's lines, oldest first. */
  async *lines(): AsyncGenerator<string> {
    if (!this.file) return;
    const { createInterface } = await import('node:readline'); // only .save reads the spool
    yield* createInterface({ input: createReadStream(this.file.path), crlfDelay: Infinity });
  }

  async close(): Promise<void> {
    const file = this.file;
    if (!file) return;
    try {
      await file.out.close();
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
    }
  }
}

export class Transcript {
  private seq = 0;
  private readonly reported = new Set<RowSink>();
  private readonly spool: RowSink;

  private constructor(
    private readonly spoolFile: SpoolFile,
    private readonly record: RowSink | undefined,
    private readonly warn: (message: string) => void,
  ) {
    this.spool = new RowSink(spoolFormat, spoolFile);
  }

  /**
   * Opens `record` (truncated: it is this session's transcript). A write
   * error later is told once through `warn`; the session goes on.
   */
  static async open(record: string | undefined, warn: (message: string) => void): Promise<Transcript> {
    const recordSink = record === undefined ? undefined : openRows(record, (await batchTools()).csvFormat());
    return new Transcript(new SpoolFile(), recordSink, warn);
  }

  get rows(): number {
    return this.seq;
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
      for await (const line of this.spoolFile.lines()) {
        // Our own spool, written from OutputRows: the same keys and types come back.
        if (line !== '') for (const row of JSON.parse(line) as OutputRow[]) csv.push(row);
      }
    } finally {
      await csv.close(); // throws the first write error
    }
    return this.seq;
  }

  async close(): Promise<void> {
    // Errors were told as they happened.
    await Promise.all([this.spool.close().catch(() => undefined), this.record?.close().catch(() => undefined)]);
  }
}
