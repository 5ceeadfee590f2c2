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
import type { ConnectOptions, RunOptions, RunResult } from '../client/types.js';
import { type Address, ErrorCode, TcpcmdError, isTcpcmdError } from '../protocol/index.js';
import type { OutputRow } from './columns.js';
import { formatError, judge, judgeRejection } from './expect.js';
import { type InputRow, type ValidatedInput, readRowBatches } from './input.js';
import { type Job, belongsTo } from './plan.js';
import type { ProgressSnapshot } from './progress.js';
import type { DoneSet } from './resume.js';
import type { Shard } from './shard.js';
import { Slots } from './slots.js';
import { Tally, type Unreachable } from './summary.js';
import type { BatchTarget } from './targets.js';
import type { ResultSink } from './writers/row-sink.js';

/** What the runner needs of a client connection (the client library's Connection has more). */
export interface BatchConnection {
  run(cmd: string, options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
  /** True once the connection has ended: checked before sending, to reconnect instead of failing the next row. */
  readonly closed?: boolean;
}

/** The client library's `connect`, or a test double. */
export type BatchConnect = (target: Address, options?: ConnectOptions) => Promise<BatchConnection>;

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
}

export interface RunnerResult {
  tally: Tally;
  unreachable: Unreachable[];
  /** Targets a connection was attempted to. */
  targetsTried: number;
  interrupted: boolean;
  /** The output's reader went away: the runs after that were cancelled and not counted. */
  readerGone: boolean;
  /** Runs planned for this invocation. */
  planned: number;
}

/** Half the server's default frame limit (1 MiB), which also bounds the command text waiting in a session. */
export const WINDOW_CHARS = 512 * 1024;

const FAIL_FAST_SKIP = formatError(ErrorCode.CANCELLED, 'not run: --fail-fast stopped the batch after a failure');

/** ISO 8601 UTC; rows finishing in the same millisecond share the string. */
let lastMs = -1;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function errorText(err: unknown): string {
  if (isTcpcmdError(err)) return formatError(err.code, err.message);
  return formatError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err));
}

/** One session of a job. */
interface Lane {
  conn: BatchConnection | undefined;
  inFlight: number;
  /** Command characters in flight. */
  chars: number;
  /** Runs answered since the last connect: a lost connection is re-opened only if it was useful. */
  answered: number;
  /** Connection lost: reconnect (once its runs have settled) before using it again. */
  broken: boolean;
  /** Why the connection was lost (`CODE: message`). */
  lost: string;
  dead: boolean;
  /**
   * The runs in flight, in the order sent. Answers can come out of turn (a
   * cancelled run that had not started is answered before the one running):
   * a row is written once those sent before it are, so the lane's rows keep file order.
   */
  order: Turn[];
}

/** A run's place in its lane: its row once answered (null: nothing to write, the batch failed). */
interface Turn {
  row: OutputRow | null | undefined;
}

export class Runner {
  readonly tally = new Tally();
  private readonly unreachable: Unreachable[] = [];
  private targetsTried = 0;
  private failFastTripped = false;
  private interrupted = false;
  private readerGone = false;
  /** Fired on fail-fast, interrupt or a gone reader: cancels the runs in flight. */
  private readonly cancel = new AbortController();
  private readonly lanes = new Set<Lane>();
  private planned = 0;
  private failure: unknown;

  constructor(
    private readonly input: ValidatedInput,
    private readonly knownTargets: ReadonlyMap<string, BatchTarget>,
    private readonly sink: ResultSink,
    private readonly options: RunnerOptions,
  ) {
    // Every run in flight listens on the one cancel signal.
    setMaxListeners(options.concurrency * options.window + 64, this.cancel.signal);
  }

  snapshot(): ProgressSnapshot {
    return { done: this.tally.rows, total: this.planned, ok: this.tally.counts.ok, notOk: this.tally.notOk };
  }

  /** Planned runs of a job for this invocation (what --resume found done is not). */
  private remaining(job: Job): number {
    return Math.max(0, job.rows - (this.options.done?.countFor(job.target.key) ?? 0));
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
      for (const lane of this.lanes) void lane.conn?.close().catch(() => undefined);
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

  private baseRow(row: InputRow, target: string): Omit<OutputRow, 'status' | 'exit_code' | 'duration_ms' | 'started_at' | 'stdout' | 'stderr' | 'error'> {
    return {
      seq: row.seq,
      name: row.name,
      target,
      command: row.command,
      timeout: row.timeout ?? this.options.timeout,
      expect: row.expect,
      expect_exit: row.expectExit,
    };
  }

  /** A row for a run that never reached a server. */
  private unrunRow(row: InputRow, target: string, status: 'error' | 'skipped', error: string): OutputRow {
    return {
      ...this.baseRow(row, target),
      status,
      exit_code: null,
      duration_ms: 0,
      started_at: isoTime(Date.now()),
      stdout: '',
      stderr: '',
      error,
    };
  }

  private async connect(target: BatchTarget): Promise<BatchConnection> {
    const base = this.options.connectOptions ?? {};
    const options: ConnectOptions = { ...base, signal: this.cancel.signal };
    if (target.token !== undefined) options.token = target.token;
    return this.options.connect(target.address, options);
  }

  private async runJob(job: Job): Promise<void> {
    const key = job.target.key;
    const { done, shard, window } = this.options;
    const windowChars = this.options.windowChars ?? WINDOW_CHARS;
    const lanes: Lane[] = [];
    let deadError = '';
    let reached = false;
    let wake: (() => void) | undefined;
    const settled = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };

    if (!this.failFastTripped) {
      this.targetsTried++;
      const results = await Promise.allSettled(Array.from({ length: job.sessions }, () => this.connect(job.target)));
      for (const r of results) {
        if (r.status === 'fulfilled') {
          const lane: Lane = { conn: r.value, inFlight: 0, chars: 0, answered: 0, broken: false, lost: '', dead: false, order: [] };
          lanes.push(lane);
          this.lanes.add(lane);
        } else deadError ||= errorText(r.reason);
      }
      reached = lanes.length > 0;
    }
    const unreachable: Unreachable | undefined =
      !reached && !this.failFastTripped && !this.interrupted && !this.readerGone ? { target: key, error: deadError, rows: 0 } : undefined;
    if (unreachable) this.unreachable.push(unreachable);

    const reconnect = async (lane: Lane): Promise<void> => {
      const old = lane.conn;
      lane.conn = undefined;
      await old?.close().catch(() => undefined);
      if (lane.answered === 0 || this.failFastTripped || this.stopped()) {
        lane.dead = true;
        deadError = lane.lost;
        return;
      }
      try {
        lane.conn = await this.connect(job.target);
        lane.broken = false;
        lane.lost = '';
        lane.answered = 0;
      } catch (err) {
        lane.dead = true;
        deadError = errorText(err);
      }
    };

    /** The lane with the most room for `chars` more, if one has room now. */
    const laneWithRoom = (chars: number): Lane | undefined => {
      let best: Lane | undefined;
      for (const lane of lanes) {
        if (!lane.broken && lane.conn?.closed === true) {
          lane.broken = true; // closed between runs (idle timeout, `disconnect`, a reset): reconnect before the next
          lane.lost ||= formatError(ErrorCode.CONNECTION_CLOSED, 'the server closed the connection');
        }
        const room = lane.inFlight < window && (lane.inFlight === 0 || lane.chars + chars <= windowChars);
        if (!lane.dead && !lane.broken && room && (!best || lane.inFlight < best.inFlight)) best = lane;
      }
      return best;
    };

    /** A lane with room in its window for `chars` more; null when every lane is dead; waits otherwise. */
    const laneFor = async (chars: number): Promise<Lane | null> => {
      for (;;) {
        if (this.stopped() || this.failFastTripped) return null;
        const best = laneWithRoom(chars);
        if (best) return best;
        const idleBroken = lanes.find((l) => l.broken && !l.dead && l.inFlight === 0);
        if (idleBroken) {
          await reconnect(idleBroken);
          continue;
        }
        if (lanes.every((l) => l.dead)) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };

    /** Writes the lane's answered rows whose turn has come. */
    const flush = (lane: Lane): void => {
      for (let turn = lane.order[0]; turn !== undefined && turn.row !== undefined; turn = lane.order[0]) {
        lane.order.shift();
        if (turn.row !== null) this.emit(turn.row);
      }
    };

    const dispatch = (lane: Lane, row: InputRow, conn: BatchConnection): void => {
      lane.inFlight++;
      lane.chars += row.command.length;
      const turn: Turn = { row: undefined };
      lane.order.push(turn);
      const sentAt = Date.now();
      const after = (): void => {
        lane.inFlight--;
        lane.chars -= row.command.length;
        try {
          flush(lane);
        } catch (err) {
          this.fail(err);
        }
        settled();
      };
      const runOptions: RunOptions = { signal: this.cancel.signal };
      const timeout = row.timeout ?? this.options.timeout;
      if (timeout !== null) runOptions.timeout = timeout;
      conn.run(row.command, runOptions).then(
        (result) => {
          lane.answered++;
          const endedAt = Date.now();
          const verdict = judge(result, { expect: row.expect, expectExit: row.expectExit });
          // Built in one literal: this is the per-row hot path.
          turn.row = {
            seq: row.seq,
            name: row.name,
            target: key,
            command: row.command,
            timeout,
            expect: row.expect,
            expect_exit: row.expectExit,
            status: verdict.status,
            exit_code: result.exitCode,
            duration_ms: result.durationMs,
            // Pipelined runs wait their turn on the server: when it ran is its end minus its duration.
            started_at: isoTime(Math.max(sentAt, endedAt - result.durationMs)),
            stdout: result.stdout,
            stderr: result.stderr,
            error: verdict.error,
          };
        },
        (err: unknown) => {
          let verdict = judgeRejection(err);
          const cancelled = this.interrupted || this.failFastTripped;
          if (cancelled && verdict.status !== 'skipped') verdict = { status: 'skipped', error: formatError(ErrorCode.CANCELLED, verdict.error) };
          // Anything but a refused or cancelled run means the connection is gone.
          if (!cancelled && !isTcpcmdError(err, ErrorCode.CANCELLED) && !isTcpcmdError(err, ErrorCode.QUEUE_FULL)) {
            lane.broken = true;
            lane.lost = verdict.error;
          }
          turn.row = {
            ...this.baseRow(row, key),
            ...verdict,
            exit_code: null,
            duration_ms: Date.now() - sentAt,
            started_at: isoTime(sentAt),
            stdout: '',
            stderr: '',
          };
        },
      ).then(
        after,
        (err: unknown) => {
          turn.row = null;
          this.fail(err); // a bug in building the row: stop the batch rather than lose rows silently
          after();
        },
      );
    };

    const settleAll = async (): Promise<void> => {
      while (lanes.some((l) => l.inFlight > 0)) await new Promise<void>((resolve) => (wake = resolve));
    };

    try {
      for await (const rows of readRowBatches(this.input, this.knownTargets, job.range)) {
        for (const row of rows) {
          if (!belongsTo(row, job, shard) || done?.has(row.seq, key)) continue;
          if (this.stopped()) break;
          // Most rows find a lane with room at once: no promise for them.
          const lane = this.failFastTripped ? null : (laneWithRoom(row.command.length) ?? (await laneFor(row.command.length)));
          if (this.stopped()) break;
          if (this.failFastTripped) {
            await settleAll(); // the cancelled runs' rows first: the target's rows stay in file order
            this.emit(this.unrunRow(row, key, 'skipped', FAIL_FAST_SKIP));
          } else if (lane?.conn) dispatch(lane, row, lane.conn);
          else {
            if (unreachable) unreachable.rows++;
            this.emit(this.unrunRow(row, key, 'error', deadError), !unreachable);
          }
          const wait = this.sink.ready();
          if (wait) await wait;
        }
        if (this.stopped()) break;
      }
    } finally {
      await settleAll();
      for (const lane of lanes) {
        this.lanes.delete(lane);
        await lane.conn?.close().catch(() => undefined);
      }
    }
  }
}
