import { ErrorCode, type DoneFrame, type ErrorInfo, type RunFrame } from '../protocol/index.js';
import type { SessionInfo } from './command.js';
import { RunDeadline } from './run-deadline.js';
import type { RunAnswer, RunEnv } from './run.js';
import { RunQueue } from './run-queue.js';
import { RunStdins } from './run-stdins.js';
import type { SessionHost } from './session-host.js';
import type { InlineMode } from './session-inline.js';
import { WRITTEN } from './run-output.js';
import type { SessionOutput } from './session-output.js';

/** What a session's runs need from the session. */
export interface RunsSession {
  readonly info: SessionInfo;
  readonly peer: string;
  readonly output: SessionOutput;
  readonly inline: InlineMode;
  /** Runs may start: the handshake is done and the session open. */
  ready(): boolean;
  closed(): boolean;
  /** A run ended: --idle-timeout counts from now. */
  answered(): void;
  /** A command asked to end the session (`disconnect`). */
  disconnect(): void;
  /** Each answer is out and the command asked nothing: after a half-close the session may end. */
  settled(): void;
  /** A run's stdin is full (true) or drained: reading the client pauses meanwhile. */
  holdForStdin(on: boolean): void;
  /** Frames the client sent are read and not handled yet (more runs are on their way to the queue). */
  moreInput(): boolean;
}

type AfterRun = 'disconnect' | 'reset' | 'kill';

/**
 * A session's runs as its client sees them: the queue (one at a time, in
 * order), their stdins, their output as `out` frames or plain text, their
 * answers as `done` frames or plain-text markers, and what a command asked
 * for once its answer is out (`disconnect`, `reset`, `kill`).
 */
export class SessionRuns {
  readonly queue: RunQueue;
  /** The stdin of runs that asked for one. */
  readonly stdins: RunStdins;
  /** The client asked for the `data` feature: done frames carry the builtins' figures. */
  sendData = false;
  private afterRun: AfterRun | undefined;
  private readonly deadline = new RunDeadline();

  constructor(
    private readonly session: RunsSession,
    private readonly host: SessionHost<unknown>,
  ) {
    this.stdins = new RunStdins((on) => session.holdForStdin(on));
    const { registry, policy, logger, options } = host;
    const env: RunEnv = {
      server: { registry, policy, logger, limits: options.limits },
      session: session.info,
      peer: session.peer,
      write: (frame, stream, data) => this.write(frame, stream, data),
      stdin: (frame) => this.stdins.get(frame.id),
      control: {
        commands: () => host.offeredCommands(),
        disconnect: () => (this.afterRun = 'disconnect'),
        reset: () => (this.afterRun = 'reset'),
        kill: () => (this.afterRun = 'kill'),
      },
      deadline: this.deadline,
    };
    const queueHost = {
      accepting: () => session.ready(),
      answer: (frame: RunFrame, answer: RunAnswer) => this.answer(frame, answer),
      duplicate: (frame: RunFrame) => session.output.send({ type: 'error', code: ErrorCode.DUPLICATE_ID, message: `run id ${JSON.stringify(frame.id)} is already in flight`, fatal: false, id: frame.id }),
      afterEach: () => this.afterEach(),
      // Answers made within one chunk of pipelined frames (builtins answer at once) leave in one write, after its last frame.
      idle: () => {
        if (!session.moreInput()) session.output.flush();
      },
    };
    this.queue = new RunQueue(queueHost, env, options.limits);
  }

  /** A run frame from the client (with its stdin opened when it asked for one). */
  add(frame: RunFrame): void {
    if (frame.stdin) this.stdins.open(frame.id);
    this.queue.add(frame);
  }

  get busy(): boolean {
    return this.queue.busy;
  }

  /** Every run is stopped (or answered with `reason` before it starts). */
  abortAll(reason: ErrorInfo): void {
    this.queue.abortAll(reason);
  }

  /** The session accepts nothing more. */
  closed(): boolean {
    return this.session.closed();
  }

  /** The session closed: its shared run timer goes. */
  dispose(): void {
    this.deadline.dispose();
  }

  private afterEach(): void {
    const action = this.afterRun;
    if (!action) return this.session.settled();
    this.afterRun = undefined;
    if (action === 'disconnect') this.session.disconnect();
    else if (action === 'reset') this.host.requestReset();
    else this.host.requestKill();
  }

  private answer(frame: RunFrame, answer: RunAnswer): void {
    this.session.answered();
    this.stdins.close(frame.id);
    if (this.session.inline.active) return this.session.inline.answers.answer(answer);
    this.session.output.endOut(frame.id);
    const done: Omit<DoneFrame, 'type' | 'stdout' | 'stderr'> = { id: frame.id, exitCode: answer.exitCode, durationMs: answer.durationMs };
    if (answer.signal !== undefined) done.signal = answer.signal;
    if (answer.truncated !== undefined) done.truncated = answer.truncated;
    if (answer.error !== undefined) done.error = answer.error;
    if (answer.data !== undefined && this.sendData) done.data = answer.data;
    this.session.output.sendDone(done);
  }

  private write(frame: RunFrame, stream: 'stdout' | 'stderr', data: string | Uint8Array): Promise<void> {
    if (this.session.closed() || data.length === 0) return WRITTEN;
    const { inline, output } = this.session;
    return output.written(inline.active ? inline.answers.output(data) : output.sendOut(frame.id, stream, data));
  }
}
