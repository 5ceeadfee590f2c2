import { ErrorCode, TcpcmdError, type ErrorInfo, type RunFrame, type RunId } from '../protocol/index.js';
import { RunAbort } from './run-abort.js';
import { executeRun, logRun, type RunAnswer, type RunEnv } from './run.js';

/** What a session's run queue needs from the session. */
export interface RunQueueHost {
  /** Whether runs may start: the session is ready and open. */
  accepting(): boolean;
  /** Sends a run's answer (a done frame, or a line in plain-text mode). */
  answer(frame: RunFrame, answer: RunAnswer): void;
  /** Tells the client that a run with this id is already in flight. */
  duplicate(frame: RunFrame): void;
  /** After each answer: the command may have asked to disconnect, reset or kill. */
  afterEach(): void;
  /** An answer was given and no run waits: what is gathered for the client may leave now. */
  idle(): void;
}

/**
 * A session's runs: strictly in the order they arrived, one at a time. What
 * waits is bounded by --max-queue runs and --max-frame characters of command;
 * past either a run is answered QUEUE_FULL at once.
 */
export class RunQueue {
  private readonly waiting: RunFrame[] = [];
  /** Characters of command text in `waiting`. */
  private waitingChars = 0;
  /** Ids of the runs waiting or running: a second run with one is refused. */
  private readonly ids = new Set<RunId>();
  private active: { frame: RunFrame; controller: RunAbort; finished: Promise<RunAnswer>; started: number } | undefined;
  /** Set while the server stops: new runs are answered with it at once. */
  private refusing: ErrorInfo | undefined;
  private pumping = false;

  constructor(
    private readonly host: RunQueueHost,
    private readonly env: RunEnv,
    private readonly limits: { maxQueue: number; maxFrame: number },
  ) {}

  /** A run is running or waiting. */
  get busy(): boolean {
    return this.active !== undefined || this.waiting.length > 0;
  }

  add(frame: RunFrame): void {
    if (this.ids.has(frame.id)) return this.host.duplicate(frame);
    if (this.refusing) return this.finish(frame, { exitCode: null, durationMs: 0, error: this.refusing });
    const { maxQueue, maxFrame } = this.limits;
    const chars = frame.cmd.length;
    if (this.waiting.length >= maxQueue || (this.waiting.length > 0 && this.waitingChars + chars > maxFrame)) {
      const message = this.waiting.length >= maxQueue
        ? `more than ${maxQueue} runs are waiting in this session; wait for answers before sending more`
        : `the runs waiting in this session already hold ${this.waitingChars} characters of commands (the limit is ${maxFrame}, --max-frame); wait for answers before sending more`;
      return this.finish(frame, { exitCode: null, durationMs: 0, error: { code: ErrorCode.QUEUE_FULL, message } });
    }
    this.ids.add(frame.id);
    this.waitingChars += chars;
    this.waiting.push(frame);
    this.pump();
  }

  /** Stops the running run with this id, or answers a waiting one as cancelled; an id already answered is ignored. */
  cancel(id: RunId): void {
    if (this.active?.frame.id === id) {
      this.active.controller.abort(new TcpcmdError(ErrorCode.CANCELLED, 'cancelled by the client'));
      return;
    }
    const index = this.waiting.findIndex((f) => f.id === id);
    if (index === -1) return; // already answered: the cancel crossed the done frame
    const [frame] = this.waiting.splice(index, 1);
    if (!frame) return;
    this.waitingChars -= frame.cmd.length;
    this.finish(frame, { exitCode: null, durationMs: 0, error: { code: ErrorCode.CANCELLED, message: 'cancelled by the client before it started' } });
  }

  /** Stops the running command and answers it and every waiting run with `reason`, in order (the session is closing). */
  abortAll(reason: ErrorInfo): void {
    const active = this.active;
    if (active) {
      active.controller.abort(new TcpcmdError(reason.code, reason.message));
      // Answered now: the session closes before the command's own end could be sent.
      this.finish(active.frame, { exitCode: null, durationMs: Math.round(performance.now() - active.started), error: reason });
    }
    this.answerWaiting(reason);
  }

  /** Stops the running command; nobody is left to answer. */
  abortRunning(reason: TcpcmdError): void {
    this.active?.controller.abort(reason);
  }

  /** Refuses new runs and answers the waiting ones with `reason`; lets the running one go on for `graceMs`, then stops it. Resolves once it has been answered. */
  async drain(reason: ErrorInfo, graceMs: number): Promise<void> {
    this.refusing = reason;
    this.answerWaiting(reason);
    const active = this.active;
    if (!active) return;
    const timer = setTimeout(() => active.controller.abort(new TcpcmdError(reason.code, reason.message)), graceMs);
    await active.finished;
    clearTimeout(timer);
    await Promise.resolve(); // let the pump send the done frame first
  }

  private answerWaiting(reason: ErrorInfo): void {
    this.waitingChars = 0;
    for (const frame of this.waiting.splice(0)) this.finish(frame, { exitCode: null, durationMs: 0, error: reason });
  }

  private finish(frame: RunFrame, answer: RunAnswer): void {
    this.ids.delete(frame.id);
    this.host.answer(frame, answer);
  }

  /**
   * Runs what waits, in order. A run answered at once (a builtin) is
   * answered within the call, so a lone command's answer leaves before the
   * event that brought it returns; one still running holds the queue until
   * it settles, then the pump goes on.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let frame: RunFrame | undefined;
      while (this.host.accepting() && (frame = this.waiting.shift()) !== undefined) {
        this.waitingChars -= frame.cmd.length;
        const controller = new RunAbort();
        const ran = executeRun(frame, controller, this.env);
        if (ran instanceof Promise) return this.wait(frame, controller, ran);
        this.answered(frame, ran);
      }
    } catch (err) {
      this.pumping = false;
      throw err;
    }
    this.pumping = false;
  }

  private wait(frame: RunFrame, controller: RunAbort, finished: Promise<RunAnswer>): void {
    this.active = { frame, controller, finished, started: performance.now() };
    void finished.then((answer) => {
      this.active = undefined;
      this.answered(frame, answer);
      this.pumping = false;
      this.pump();
    });
  }

  private answered(frame: RunFrame, answer: RunAnswer): void {
    this.finish(frame, answer);
    // A lone answer leaves before the log line is made; under load answers still leave together.
    if (this.waiting.length === 0) this.host.idle();
    logRun(frame, answer, this.env);
    this.host.afterEach();
  }
}
