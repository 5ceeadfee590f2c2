import type { Readable } from 'node:stream';
import { ErrorCode, TcpcmdError, type DoneFrame, type RunFrame, type StreamName, errorMessage } from '../protocol/index.js';
import type { RunContext, RunOutcome, ServerControl, SessionInfo } from './command.js';
import type { RunAbort } from './run-abort.js';
import type { RunDeadline } from './run-deadline.js';
import { OUT_BYTES_CHUNK, OUT_CHUNK, OutputBudget, outputPieces } from './run-output.js';
import type { Limits } from './limits.js';
import { loggedCommand, type LogEvent, type Logger } from './log.js';
import type { PolicyCheck } from './policy.js';
import type { CommandRegistry, Resolved } from './registry.js';

export type RunAnswer = Omit<DoneFrame, 'type' | 'id' | 'stdout' | 'stderr'>;

/** How long a stopped command may take to notice before it is answered without it. */
const ABANDON_AFTER_MS = 1_000;
/** Longest error message sent: messages quote arguments, which may be near the frame limit. */
const MAX_MESSAGE = 1_000;

/** What a run needs of the server it runs on. */
export interface RunServer {
  readonly registry: Pick<CommandRegistry, 'resolve'>;
  readonly policy: Pick<PolicyCheck, 'check'>;
  readonly logger: Logger;
  readonly limits: Pick<Limits, 'runTimeoutMs' | 'maxOutput'>;
}

/** What a session lends each of its runs; made once per session. */
export interface RunEnv {
  server: RunServer;
  session: SessionInfo;
  peer: string;
  /** Sends a run's output; the promise it returns settles when the socket can take more. */
  write(frame: RunFrame, stream: StreamName, data: string | Uint8Array): Promise<void>;
  /** The run's stdin, when its frame asked for one (feature `stdin`). */
  stdin(frame: RunFrame): Readable | undefined;
  control: ServerControl;
  /** The session's run timer (one run at a time). */
  deadline: RunDeadline;
}

/**
 * One run from command line to answer: resolve, check policy, apply the
 * timeout and output cap, run, and turn whatever happened into a done frame.
 * Aborts (timeout, cancel, cap, disconnect, shutdown) all go through
 * `abort`, whose reason becomes the answer's error. Kept to a few promises:
 * a builtin's whole run is cheaper than a handful of extra ones.
 */
export function executeRun(frame: RunFrame, abort: RunAbort, env: RunEnv): RunAnswer | Promise<RunAnswer> {
  const started = performance.now();
  const host = env.server;
  const resolved = host.registry.resolve(frame.cmd);
  if ('error' in resolved) return timed({ exitCode: null, durationMs: 0, error: resolved.error }, started);
  const refused = host.policy.check(frame.cmd, resolved.command);
  if (!refused) return runCommand(frame, resolved, abort, env, started);
  host.logger.log({ event: 'forbidden', session: env.session.id, peer: env.peer, command: loggedCommand(frame.cmd), reason: refused.message });
  return timed({ exitCode: null, durationMs: 0, error: refused }, started);
}

/** The answer, with the time since `started`. */
function timed(answer: RunAnswer, started: number): RunAnswer {
  answer.durationMs = Math.round(performance.now() - started);
  return answer;
}

/** The log line of a run, made once its answer is on its way: a client waiting for one answer does not wait for the line too. */
export function logRun(frame: RunFrame, answer: RunAnswer, env: RunEnv): void {
  const event: LogEvent = {
    event: 'run', session: env.session.id, peer: env.peer, id: frame.id, command: loggedCommand(frame.cmd), exitCode: answer.exitCode, durationMs: answer.durationMs,
  };
  if (answer.error) event.error = answer.error.code;
  env.server.logger.log(event);
}

/**
 * A command found and allowed, run; its duration counts from `started`. A
 * command that returns its outcome itself (a builtin whose output the socket
 * took at once) is answered now, with no turn of the promise queue: a
 * sequential client waits on every one of them.
 */
function runCommand(frame: RunFrame, resolved: Resolved, abort: RunAbort, env: RunEnv, started: number): RunAnswer | Promise<RunAnswer> {
  const host = env.server;
  const limit = host.limits.runTimeoutMs;
  const timeoutMs = Math.min(frame.timeout ?? limit, limit);
  let settled = false;
  env.deadline.start(timeoutMs, () => {
    // One turn later: after the server was stopped (SIGSTOP, a long GC) the timer and the command's end are due at once,
    // and a command that ended on time must be answered as ended, with all its output, not as timed out.
    setImmediate(() => settled || abort.abort(new TcpcmdError(ErrorCode.TIMEOUT, `timed out after ${timeoutMs} ms; the command was stopped`)));
  });
  const budget = new OutputBudget(host.limits.maxOutput, abort);
  const end = (outcome: RunOutcome): RunAnswer => {
    settled = true;
    env.deadline.stop();
    return timed(answerOf(outcome, abort, budget.truncated), started);
  };
  // A command that throws is a bug in it, not the client's fault: answer, and keep the session.
  const crashed = (err: unknown): RunAnswer => end({ exitCode: null, error: { code: ErrorCode.INTERNAL, message: `internal error in ${resolved.name}: ${errorMessage(err)}` } });
  let ran: RunOutcome | Promise<RunOutcome>;
  try {
    ran = resolved.command.run(new Context(frame, resolved, abort, budget, env));
  } catch (err) {
    return crashed(err);
  }
  return isPromiseLike(ran) ? settleOrAbandon(ran, abort).then(end, crashed) : end(ran);
}

function isPromiseLike(value: RunOutcome | PromiseLike<RunOutcome>): value is PromiseLike<RunOutcome> {
  return typeof (value as Partial<PromiseLike<RunOutcome>>).then === 'function';
}

/**
 * One outcome per run: it finished (its exit code and all its output) or it
 * was stopped (an error, no exit code). A stop that came after the command
 * ended on its own (a timeout or cancel racing its exit) does not count.
 */
function answerOf(outcome: RunOutcome, abort: RunAbort, truncated: boolean): RunAnswer {
  const stopped = abort.reason !== undefined && (outcome.exitCode === null || abort.reason.code === ErrorCode.OUTPUT_LIMIT);
  const answer: RunAnswer = { exitCode: stopped ? null : outcome.exitCode, durationMs: 0 };
  if (outcome.signal) answer.signal = outcome.signal;
  if (outcome.data && !stopped) answer.data = outcome.data;
  if (truncated) answer.truncated = true;
  const error = (stopped ? abort.reason?.toJSON() : undefined) ?? outcome.error;
  if (error) answer.error = error.message.length > MAX_MESSAGE ? { code: error.code, message: `${error.message.slice(0, MAX_MESSAGE)}…` } : error;
  return answer;
}

/**
 * The command's outcome; or, when it was aborted and has not ended
 * ABANDON_AFTER_MS later (a statfs on a hung mount ignores its signal), an
 * empty one: such a command must not hold the session.
 */
function settleOrAbandon(ran: PromiseLike<RunOutcome>, abort: RunAbort): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    ran.then(resolve, reject);
    abort.onAbort(() => void setTimeout(() => resolve({ exitCode: null }), ABANDON_AFTER_MS).unref());
  });
}

/**
 * What a command sees of its run. `argv` and `signal` are made when first
 * read (most builtins never read them), so they are getters: pass `ctx`
 * itself to helpers, not a copy made with `{ ...ctx }`.
 */
class Context implements RunContext {
  readonly name: string;
  readonly args: string;
  readonly session: SessionInfo;
  readonly server: ServerControl;
  private words: string[] | undefined;

  constructor(
    private readonly frame: RunFrame,
    resolved: Resolved,
    private readonly abort: RunAbort,
    private readonly budget: OutputBudget,
    private readonly env: RunEnv,
  ) {
    this.name = resolved.name;
    this.args = resolved.args;
    this.session = env.session;
    this.server = env.control;
  }

  get argv(): string[] {
    return (this.words ??= this.args === '' ? [] : this.args.split(/\s+/));
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** A bound function: commands hand `ctx.write` on to helpers such as runProcess. */
  readonly write = (stream: StreamName, data: string | Uint8Array): Promise<void> => {
    const allowed = this.budget.take(stream, data);
    if (allowed.length <= (typeof allowed === 'string' ? OUT_CHUNK : OUT_BYTES_CHUNK)) return this.env.write(this.frame, stream, allowed);
    return this.writePieces(stream, allowed);
  };

  get stdin(): Readable | undefined {
    return this.env.stdin(this.frame);
  }

  private async writePieces(stream: StreamName, data: string | Uint8Array): Promise<void> {
    for (const piece of outputPieces(data)) await this.env.write(this.frame, stream, piece);
  }
}
