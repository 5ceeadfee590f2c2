/**
 * Getting finished rows out, promptly and whole. Rows that finish in the same
 * tick are coalesced and written by one write call at the end of the tick
 * (setImmediate), so a batch killed with SIGKILL keeps every row that was
 * finished a tick earlier, and at most cuts the one batch being written —
 * which `--resume` trims back to its last whole row.
 */
import { closeSync, fstatSync, ftruncateSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { ErrorCode, TcpcmdError, errorMessage } from '../../protocol/index.js';
import type { OutputRow } from '../columns.js';

/** Bytes out: a file descriptor (synchronous, so a row is in the kernel when write returns) or a stream. */
export interface ByteSink {
  /** Writes the whole chunk; returns a promise when the caller should wait before writing more. */
  write(chunk: string): Promise<void> | undefined;
  close(): Promise<void>;
}

function ioError(what: string, err: unknown): TcpcmdError {
  return new TcpcmdError(ErrorCode.IO_ERROR, `cannot write ${what}: ${errorMessage(err)}`, { cause: err });
}

/**
 * A file opened by the caller; closed by close(). A write that fails (a full
 * disk, an I/O error) is taken back: the file is cut to the end of the last
 * whole write, so it holds whole rows only, and `--resume` runs the rest.
 */
export function fileSink(fd: number, name: string): ByteSink {
  let end = fstatSync(fd).size;
  return {
    write(chunk) {
      const size = Buffer.byteLength(chunk, 'utf8');
      try {
        // The string goes to the file as it is (no copy into a Buffer first); a short write, rare for a file, writes the rest from bytes.
        let off = writeSync(fd, chunk);
        if (off < size) {
          const buf = Buffer.from(chunk, 'utf8');
          while (off < size) off += writeSync(fd, buf, off);
        }
        end += size;
      } catch (err) {
        try {
          ftruncateSync(fd, end);
        } catch {
          // the write error is the one to report
        }
        throw ioError(name, err);
      }
      return undefined;
    },
    async close() {
      try {
        closeSync(fd);
      } catch (err) {
        throw ioError(name, err);
      }
    },
  };
}

/** The reader at the other end of a pipe went away (`| head`): nothing we write will be read. */
function readerLeft(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/**
 * stdout (or any stream): respects backpressure; close() waits for the data to
 * be handed over, without ending the stream. When the stream's reader goes
 * away (EPIPE) that is not a write error: `onReaderGone` is told, once, and
 * from then on writes are dropped.
 */
export function streamSink(stream: Writable, name = 'stdout', onReaderGone?: () => void): ByteSink {
  let failure: unknown;
  let gone = false;
  let waiting: Promise<void> | undefined;
  stream.on('error', (err) => {
    if (gone || failure !== undefined) return;
    if (readerLeft(err)) {
      gone = true;
      onReaderGone?.();
    } else failure = err;
  });
  const check = (): void => {
    if (failure !== undefined) throw ioError(name, failure);
  };
  return {
    write(chunk) {
      if (gone) return undefined;
      check();
      if (stream.write(chunk) || waiting) return waiting;
      waiting = new Promise<void>((resolve, reject) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('error', done);
          waiting = undefined;
          if (failure !== undefined) reject(ioError(name, failure));
          else resolve(); // drained, or the reader is gone: either way, go on
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
      return waiting;
    },
    async close() {
      if (waiting) await waiting;
      check();
      if (gone) return;
      // An empty write's callback runs once everything before it is flushed.
      await new Promise<void>((resolve, reject) =>
        stream.write('', (err) => (!err || gone || readerLeft(err) ? resolve() : reject(ioError(name, err)))),
      );
    },
  };
}

/** Where the runner hands finished rows. */
export interface ResultSink {
  push(row: OutputRow): void;
  /** A promise while the output asks the runner to slow down; undefined otherwise. */
  ready(): Promise<void> | undefined;
  /** The first write error, if any; the runner stops when it sees one. */
  readonly error: TcpcmdError | undefined;
  /** Calls `listener` once, when the first write error happens (so runs in flight are cancelled at once). */
  onError?(listener: (err: TcpcmdError) => void): void;
  /** Writes what is pending and the format's closing bytes; closes the output. */
  close(): Promise<void>;
}

/** How rows become bytes. */
export interface RowFormat {
  /** Bytes before the first row. */
  head(): string;
  /** Whole rows, each complete in the returned text. */
  rows(rows: readonly OutputRow[]): string;
  /** Bytes after the last row. */
  tail(): string;
}

/** Rows to nowhere: for a caller that takes them from `onRow` alone. */
export const nullSink: ResultSink = {
  push() {},
  ready: () => undefined,
  error: undefined,
  close: () => Promise.resolve(),
};

export interface RowSinkOptions {
  /** Skip the head (appending to a file that has it). */
  append?: boolean;
  /** Write at once when this many rows are pending, to bound memory in a long tick. */
  maxPending?: number;
}

export class RowSink implements ResultSink {
  private pending: OutputRow[] = [];
  private scheduled = false;
  private waiting: Promise<void> | undefined;
  private failure: TcpcmdError | undefined;
  private errorListener: ((err: TcpcmdError) => void) | undefined;
  private readonly maxPending: number;

  constructor(private readonly format: RowFormat, private readonly out: ByteSink, options: RowSinkOptions = {}) {
    this.maxPending = options.maxPending ?? 4096;
    if (!options.append) this.write(format.head());
  }

  get error(): TcpcmdError | undefined {
    return this.failure;
  }

  onError(listener: (err: TcpcmdError) => void): void {
    this.errorListener = listener;
  }

  private failed(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof TcpcmdError ? err : ioError('the results', err);
    const listener = this.errorListener;
    const failure = this.failure;
    if (listener) queueMicrotask(() => listener(failure));
  }

  push(row: OutputRow): void {
    if (this.failure) return;
    this.pending.push(row);
    if (this.pending.length >= this.maxPending) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  ready(): Promise<void> | undefined {
    return this.waiting;
  }

  /** Writes the pending rows with one write call. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.failure) return;
    const rows = this.pending;
    this.pending = [];
    this.write(this.format.rows(rows));
  }

  private write(text: string): void {
    if (text === '' || this.failure) return;
    try {
      const wait = this.out.write(text);
      if (wait) {
        const settled: Promise<void> = wait.then(
          () => {
            if (this.waiting === settled) this.waiting = undefined;
          },
          (err: unknown) => {
            this.failed(err);
            if (this.waiting === settled) this.waiting = undefined;
          },
        );
        this.waiting = settled;
      }
    } catch (err) {
      this.failed(err);
    }
  }

  async close(): Promise<void> {
    this.flush();
    this.write(this.format.tail());
    if (this.waiting) await this.waiting;
    try {
      await this.out.close();
    } catch (err) {
      this.failed(err);
    }
    if (this.failure) throw this.failure;
  }
}
