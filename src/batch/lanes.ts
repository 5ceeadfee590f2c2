/**
 * The sessions of one job (one target): a window of runs in flight on each,
 * rows written in the order they were sent, a lost connection re-opened once
 * if it had done useful work.
 */
import type { RunOptions } from '../client/types.js';
import { ErrorCode, isTcpcmdError } from '../protocol/index.js';
import type { OutputRow } from './columns.js';
import type { BatchConnection } from './connection.js';
import { formatError, judgeRejection } from './expect.js';
import type { InputRow } from './input.js';
import { answeredRow, errorText, rejectedRow } from './rows.js';
import type { BatchTarget } from './targets.js';

/** What a job's sessions need from the batch they run in. */
export interface LaneHost {
  connect(target: BatchTarget): Promise<BatchConnection>;
  /** Nothing more is to start: interrupted, failed, no reader, or --fail-fast tripped. */
  halted(): boolean;
  /** Runs cut short now are skipped, not errors: an interrupt or --fail-fast. */
  cancelling(): boolean;
  /** Hands a finished row on, in turn. */
  emit(row: OutputRow): void;
  /** A bug: stop the batch rather than lose rows silently. */
  fail(err: unknown): void;
  /** Cancels the runs in flight. */
  readonly cancel: AbortSignal;
}

export interface LaneLimits {
  /** Runs in flight per session. */
  window: number;
  /** Command characters in flight per session (at least one run always goes). */
  windowChars: number;
  /** Per-run timeout (ms) for rows without their own; null for the server's default. */
  timeout: number | null;
}

/** One session of a job. */
export interface Lane {
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

export class LanePool {
  private readonly lanes: Lane[] = [];
  /** Why the last lane was given up (`CODE: message`): the error of rows that find no lane. */
  deadError = '';
  /** Resumes whoever waits for a run to settle. */
  private wake: (() => void) | undefined;
  /** The options of every run with the batch's own timeout. */
  private sharedOptions: RunOptions | undefined;

  constructor(private readonly target: BatchTarget, private readonly host: LaneHost, private readonly limits: LaneLimits) {}

  /** Opens `sessions` connections; true when at least one opened. */
  async open(sessions: number): Promise<boolean> {
    const results = await Promise.allSettled(Array.from({ length: sessions }, () => this.host.connect(this.target)));
    for (const r of results) {
      if (r.status === 'fulfilled') this.lanes.push({ conn: r.value, inFlight: 0, chars: 0, answered: 0, broken: false, lost: '', dead: false, order: [] });
      else this.deadError ||= errorText(r.reason);
    }
    return this.lanes.length > 0;
  }

  /** The lane with the most room for `chars` more, if one has room now. */
  withRoom(chars: number): Lane | undefined {
    const { window, windowChars } = this.limits;
    let best: Lane | undefined;
    for (const lane of this.lanes) {
      if (!lane.broken && lane.conn?.closed === true) {
        lane.broken = true; // closed between runs (idle timeout, `disconnect`, a reset): reconnect before the next
        lane.lost ||= formatError(ErrorCode.CONNECTION_CLOSED, 'the server closed the connection');
      }
      const room = lane.inFlight < window && (lane.inFlight === 0 || lane.chars + chars <= windowChars);
      if (!lane.dead && !lane.broken && room && (!best || lane.inFlight < best.inFlight)) best = lane;
    }
    return best;
  }

  /** A lane with room in its window for `chars` more; null when every lane is dead or the batch halts; waits otherwise. */
  async waitForRoom(chars: number): Promise<Lane | null> {
    for (;;) {
      if (this.host.halted()) return null;
      const best = this.withRoom(chars);
      if (best) return best;
      const idleBroken = this.lanes.find((l) => l.broken && !l.dead && l.inFlight === 0);
      if (idleBroken) {
        await this.reconnect(idleBroken);
        continue;
      }
      if (this.lanes.every((l) => l.dead)) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Sends a row's command on a lane; its row is handed on when it and those sent before it are answered. */
  send(lane: Lane, conn: BatchConnection, row: InputRow): void {
    lane.inFlight++;
    lane.chars += row.command.length;
    const turn: Turn = { row: undefined };
    lane.order.push(turn);
    const sentAt = Date.now();
    const timeout = row.timeout ?? this.limits.timeout;
    // One promise reaction per run, each side handing its row on itself: this is the per-row hot path.
    conn.run(row.command, this.runOptions(timeout)).then(
      (result) => {
        lane.answered++;
        this.answered(lane, turn, row.command.length, () => answeredRow(row, this.target.name, timeout, result, sentAt));
      },
      (err: unknown) => this.answered(lane, turn, row.command.length, () => this.rejected(lane, row, timeout, err, sentAt)),
    );
  }

  /** The options of a run with this timeout: one object for the rows that share the batch's timeout. */
  private runOptions(timeout: number | null): RunOptions {
    if (timeout === this.limits.timeout) return (this.sharedOptions ??= optionsFor(this.host.cancel, timeout));
    return optionsFor(this.host.cancel, timeout);
  }

  /** A run's row is made; the lane's rows whose turn has come are handed on. */
  private answered(lane: Lane, turn: Turn, chars: number, makeRow: () => OutputRow): void {
    try {
      turn.row = makeRow();
    } catch (err) {
      turn.row = null;
      this.host.fail(err); // a bug in building the row: stop the batch rather than lose rows silently
    }
    lane.inFlight--;
    lane.chars -= chars;
    try {
      this.flush(lane);
    } catch (err) {
      this.host.fail(err);
    }
    this.settled();
  }

  /** The row of a run whose promise rejected; anything but a refused or cancelled run means the connection is gone. */
  private rejected(lane: Lane, row: InputRow, timeout: number | null, err: unknown, sentAt: number): OutputRow {
    let verdict = judgeRejection(err);
    const cancelled = this.host.cancelling();
    if (cancelled && verdict.status !== 'skipped') verdict = { status: 'skipped', error: formatError(ErrorCode.CANCELLED, verdict.error) };
    if (!cancelled && !isTcpcmdError(err, ErrorCode.CANCELLED) && !isTcpcmdError(err, ErrorCode.QUEUE_FULL)) {
      lane.broken = true;
      lane.lost = verdict.error;
    }
    return rejectedRow(row, this.target.name, timeout, verdict, sentAt);
  }

  /** Waits until every run sent has its answer. */
  async settleAll(): Promise<void> {
    while (this.lanes.some((l) => l.inFlight > 0)) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** Closes every session (runs still in flight fail with CONNECTION_CLOSED). */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.conn?.close().catch(() => undefined)));
  }

  private settled(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Writes the lane's answered rows whose turn has come. */
  private flush(lane: Lane): void {
    for (let turn = lane.order[0]; turn !== undefined && turn.row !== undefined; turn = lane.order[0]) {
      lane.order.shift();
      if (turn.row !== null) this.host.emit(turn.row);
    }
  }

  private async reconnect(lane: Lane): Promise<void> {
    const old = lane.conn;
    lane.conn = undefined;
    await old?.close().catch(() => undefined);
    if (lane.answered === 0 || this.host.halted()) {
      lane.dead = true;
      this.deadError = lane.lost;
      return;
    }
    try {
      lane.conn = await this.host.connect(this.target);
      lane.broken = false;
      lane.lost = '';
      lane.answered = 0;
    } catch (err) {
      lane.dead = true;
      this.deadError = errorText(err);
    }
  }
}

function optionsFor(signal: AbortSignal, timeout: number | null): RunOptions {
  const options: RunOptions = { signal };
  if (timeout !== null) options.timeout = timeout;
  return options;
}
