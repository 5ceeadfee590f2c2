/**
 * Drives the runs: one job per target, at most `concurrency` sessions open at
 * once, each session with a window of runs in flight (pipelining: the server
 * runs a session's runs in order, so file order holds on one session).
 *
 * - A target that cannot be reached gets an error row for each of its runs,
 *   at once, and the other targets go on.
 * - A lost connection fails the runs in flight; the session reconnects once
 *   if it had done useful work, else the target is given up.
 * - --fail-fast: the first row that does not pass cancels the runs in flight
 *   and every run not started gets a `skipped` row.
 * - An interrupt (the signal) cancels the runs in flight and writes nothing
 *   for the runs not started.
 * - When the reader of the output goes away (`| head`), the runs in flight
 *   are cancelled and nothing more is run, written or counted.
 */
import { setMaxListeners } from 'node:events';
import type { ConnectOptions } from '../client/types.js';
import { ErrorCode, TcpcmdError } from '../protocol/index.js';
import type { BatchConnect, BatchConnection } from './connection.js';
import { type EarlyConnections, targetConnectOptions } from './early-connect.js';
import type { OutputRow } from './columns.js';
import { formatError } from './expect.js';
import { type LaneHost, LanePool } from './lanes.js';
import { unrunRow } from './rows.js';
import { type InputRow, type ValidatedInput, readRowBatches } from './input.js';
import { type Job, belongsTo } from './plan.js';
import type { ProgressSnapshot } from './progress.js';
import type { DoneSet } from './resume.js';
import type { Shard } from './shard.js';
import { Slots } from './slots.js';
import { WINDOW_CHARS } from './window.js';
import { type RunsDone, Tally, type Unreachable } from './summary.js';
import { type BatchTarget, targetLabel } from './targets.js';
import type { ResultSink } from './writers/row-sink.js';

export interface RunnerOptions {
  connect: BatchConnect;
  /** TLS, connect timeout, client name; a target's own token overrides `token`. */
  connectOptions?: ConnectOptions;
  /** Sessions open at once. */
  concurrency: number;
  /** Runs in flight per session. */
  window: number;
  /**
   * Characters of command text in flight per session (at least one run always
   * goes): the server refuses runs (QUEUE_FULL) once its queue holds more than
   * its frame limit, 1 MiB by default. Default WINDOW_CHARS.
   */
  windowChars?: number;
  /** Per-run timeout (ms) for rows without their own; null for the server's default. */
  timeout: number | null;
  failFast: boolean;
  shard: Shard;
  /** Pairs already in the results file (--resume). */
  done?: DoneSet;
  /** Interrupt: stop, cancel what is in flight. */
  signal?: AbortSignal;
  /** After an interrupt, how long runs in flight get to answer before their connections are closed. */
  cancelGraceMs?: number;
  /** Fires when nobody reads the output any more (EPIPE on stdout): stop, quietly. */
  readerGone?: AbortSignal;
  /** Told of each row as it is handed to the sink. */
  onRow?: (row: OutputRow) => void;
  /** Connections opened while the input was checked: the first session to each of those targets uses them. */
  early?: EarlyConnections;
}

/** What the runs came to: the summary is made from it (summary.ts). */
export type RunnerResult = RunsDone;


const FAIL_FAST_SKIP = formatError(ErrorCode.CANCELLED, 'not run: --fail-fast stopped the batch after a failure');

export class Runner {
  readonly tally = new Tally();
  private readonly unreachable: Unreachable[] = [];
  private targetsTried = 0;
  private failFastTripped = false;
  private interrupted = false;
  private readerGone = false;
  /** Fired on fail-fast, interrupt or a gone reader: cancels the runs in flight. */
  private readonly cancel = new AbortController();
  /** The sessions of the jobs running now. */
  private readonly pools = new Set<LanePool>();
  /** What a job's sessions may ask of the batch. */
  private readonly laneHost: LaneHost = {
    connect: (target) => this.connect(target),
    halted: () => this.stopped() || this.failFastTripped,
    cancelling: () => this.interrupted || this.failFastTripped,
    emit: (row) => this.emit(row),
    fail: (err) => this.fail(err),
    cancel: this.cancel.signal,
  };
  private planned = 0;
  private failure: unknown;

  constructor(
    private readonly input: ValidatedInput,
    private readonly knownTargets: ReadonlyMap<string, BatchTarget>,
    private readonly sink: ResultSink,
    private readonly options: RunnerOptions,
  ) {
    // Every run in flight may listen on the one cancel signal (the client library gives a connection's runs one listener; another connect may not).
    setMaxListeners(options.concurrency * options.window + 64, this.cancel.signal);
    // A write error (a full disk, EIO) stops the batch at once: the runs in flight are cancelled and nothing more is sent.
    sink.onError?.((err) => this.fail(err));
  }

  snapshot(): ProgressSnapshot {
    return { done: this.tally.rows, total: this.planned, ok: this.tally.counts.ok, notOk: this.tally.notOk };
  }

  /** Planned runs of a job for this invocation (what --resume found done is not). */
  private remaining(job: Job): number {
    return Math.max(0, job.rows - (this.options.done?.countFor(job.target.name) ?? 0));
  }

  async run(jobs: readonly Job[]): Promise<RunnerResult> {
    this.planned = jobs.reduce((n, job) => n + this.remaining(job), 0);
    const onAbort = (): void => this.interrupt();
    const onReaderGone = (): void => this.stopForGoneReader();
    const { signal, readerGone } = this.options;
    if (signal?.aborted) this.interrupt();
    if (readerGone?.aborted) this.stopForGoneReader();
    signal?.addEventListener('abort', onAbort, { once: true });
    readerGone?.addEventListener('abort', onReaderGone, { once: true });
    try {
      const slots = new Slots(this.options.concurrency);
      const running: Promise<void>[] = [];
      for (const job of jobs) {
        if (this.remaining(job) === 0) continue;
        const n = Math.min(job.sessions, this.options.concurrency);
        await slots.acquire(n);
        if (this.stopped()) {
          slots.release(n);
          break;
        }
        running.push(
          this.runJob(job)
            .catch((err: unknown) => this.fail(err))
            .finally(() => slots.release(n)),
        );
      }
      await Promise.all(running);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      readerGone?.removeEventListener('abort', onReaderGone);
    }
    if (this.failure !== undefined) throw this.failure;
    return {
      tally: this.tally,
      unreachable: this.unreachable,
      targetsTried: this.targetsTried,
      interrupted: this.interrupted,
      readerGone: this.readerGone,
      planned: this.planned,
    };
  }

  /** Interrupted, the output failed or has no reader, or a job failed: nothing more is started. */
  private stopped(): boolean {
    return this.interrupted || this.readerGone || this.failure !== undefined || this.sink.error !== undefined;
  }

  /** A job failed (e.g. the input could not be read): stop everything, report it at the end. */
  private fail(err: unknown): void {
    this.failure ??= err;
    if (!this.cancel.signal.aborted) this.cancel.abort(new TcpcmdError(ErrorCode.CANCELLED, 'the batch stopped on an error'));
  }

  private interrupt(): void {
    if (this.interrupted) return;
    this.interrupted = true;
    this.cancelInFlight('interrupted');
  }

  private stopForGoneReader(): void {
    if (this.readerGone) return;
    this.readerGone = true;
    this.cancelInFlight('nobody reads the results any more');
  }

  /** Cancels the runs in flight; those that do not answer in time are failed by closing their connections. */
  private cancelInFlight(why: string): void {
    this.cancel.abort(new TcpcmdError(ErrorCode.CANCELLED, why));
    const grace = setTimeout(() => {
      for (const pool of this.pools) void pool.close();
    }, this.options.cancelGraceMs ?? 2000);
    grace.unref();
  }

  private tripFailFast(): void {
    if (this.failFastTripped) return;
    this.failFastTripped = true;
    this.cancel.abort(new TcpcmdError(ErrorCode.CANCELLED, 'stopped by --fail-fast after a failure'));
  }

  private emit(row: OutputRow, listed = true): void {
    if (this.readerGone) return; // not written, so not counted: the exit code is that of the rows delivered
    this.tally.add(row, listed);
    this.sink.push(row);
    this.options.onRow?.(row);
    if (this.options.failFast && row.status !== 'ok') this.tripFailFast();
  }

  private async connect(target: BatchTarget): Promise<BatchConnection> {
    const early = this.options.early?.take(target, this.cancel.signal);
    if (early) {
      const conn = await early;
      if (conn.closed !== true) return conn;
      void conn.close().catch(() => undefined); // closed while the input was checked (an idle timeout): connect again
    }
    return this.options.connect(target.address, targetConnectOptions(this.options.connectOptions, target, this.cancel.signal));
  }

  private async runJob(job: Job): Promise<void> {
    // The transcript names the server as servers.csv does (its address when it has no name).
    const key = job.target.name;
    const { done, shard } = this.options;
    const pool = new LanePool(job.target, this.laneHost, {
      window: this.options.window,
      windowChars: this.options.windowChars ?? WINDOW_CHARS,
      timeout: this.options.timeout,
    });
    this.pools.add(pool);
    let reached = false;
    if (!this.failFastTripped) {
      this.targetsTried++;
      reached = await pool.open(job.sessions);
    }
    const unreachable: Unreachable | undefined =
      !reached && !this.failFastTripped && !this.interrupted && !this.readerGone ? { target: targetLabel(job.target), error: pool.deadError, rows: 0 } : undefined;
    if (unreachable) this.unreachable.push(unreachable);
    const unrun = (row: InputRow, status: 'error' | 'skipped', error: string): OutputRow => unrunRow(row, key, row.timeout ?? this.options.timeout, status, error);

    try {
      for await (const rows of readRowBatches(this.input, this.knownTargets, job.range)) {
        for (const row of rows) {
          if (!belongsTo(row, job, shard) || done?.has(row.seq, key)) continue;
          if (this.stopped()) break;
          // Most rows find a lane with room at once: no promise for them.
          const lane = this.failFastTripped ? null : (pool.withRoom(row.command.length) ?? (await pool.waitForRoom(row.command.length)));
          if (this.stopped()) break;
          if (this.failFastTripped) {
            await pool.settleAll(); // the cancelled runs' rows first: the target's rows stay in file order
            this.emit(unrun(row, 'skipped', FAIL_FAST_SKIP));
          } else if (lane?.conn) pool.send(lane, lane.conn, row);
          else {
            if (unreachable) unreachable.rows++;
            this.emit(unrun(row, 'error', pool.deadError), !unreachable);
          }
          const wait = this.sink.ready();
          if (wait) await wait;
        }
        if (this.stopped()) break;
      }
    } finally {
      await pool.settleAll();
      this.pools.delete(pool);
      await pool.close();
    }
  }
}
