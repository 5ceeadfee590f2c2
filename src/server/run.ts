import { ErrorCode, TcpcmdError, type DoneFrame, type RunFrame, type StreamName } from '../protocol/index.js';
import type { RunOutcome, ServerControl, SessionInfo } from './command.js';
import type { RunAbort } from './run-abort.js';
import { OutputBudget, chunks } from './run-output.js';
import { loggedCommand } from './log.js';
import type { SessionHost } from './session-host.js';

export type RunAnswer = Omit<DoneFrame, 'type' | 'id'>;

/** How long a stopped command may take to notice before it is answered without it. */
const ABANDON_AFTER_MS = 1_000;
/** Longest error message sent: messages quote arguments, which may be near the frame limit. */
const MAX_MESSAGE = 1_000;

/** What a session lends each of its runs; made once per session. */
export interface RunEnv {
  host: SessionHost;
  session: SessionInfo;
  peer: string;
  /** Sends a run's output; resolves when the socket can take more. */
  write(frame: RunFrame, stream: StreamName, data: string): Promise<void>;
  control: ServerControl;
}

/**
 * One run from command line to answer: resolve, check policy, apply the
 * timeout and output cap, run, and turn whatever happened into a done frame.
 * Aborts (timeout, cancel, cap, disconnect, shutdown) all go through
 * `abort`, whose reason becomes the answer's error.
 */
export async function executeRun(frame: RunFrame, abort: RunAbort, env: RunEnv): Promise<RunAnswer> {
  const started = performance.now();
  const { host } = env;
  const answer = await runResolved(frame, abort, env);
  answer.durationMs = Math.round(performance.now() - started);
  host.logger.log({
    event: 'run',
    session: env.session.id,
    peer: env.peer,
    id: frame.id,
    command: loggedCommand(frame.cmd),
    exitCode: answer.exitCode,
    durationMs: answer.durationMs,
    ...(answer.error ? { error: answer.error.code } : {}),
  });
  return answer;
}

async function runResolved(frame: RunFrame, abort: RunAbort, env: RunEnv): Promise<RunAnswer> {
  const { host } = env;
  const resolved = host.registry.resolve(frame.cmd);
  if ('error' in resolved) return { exitCode: null, durationMs: 0, error: resolved.error };
  const refused = host.policy.check(frame.cmd, resolved.command);
  if (refused) {
    host.logger.log({ event: 'forbidden', session: env.session.id, peer: env.peer, command: loggedCommand(frame.cmd), reason: refused.message });
    return { exitCode: null, durationMs: 0, error: refused };
  }
  const limit = host.options.limits.runTimeoutMs;
  const timeoutMs = Math.min(frame.timeout ?? limit, limit);
  const timer = setTimeout(() => abort.abort(new TcpcmdError(ErrorCode.TIMEOUT, `timed out after ${timeoutMs} ms; the command was stopped`)), timeoutMs);
  const budget = new OutputBudget(host.options.limits.maxOutput, abort);
  let outcome: RunOutcome;
  try {
    const ran = Promise.resolve().then(() => resolved.command.run({
      name: resolved.name,
      args: resolved.args,
      argv: resolved.args === '' ? [] : resolved.args.split(/\s+/),
      get signal() {
        return abort.signal;
      },
      session: env.session,
      server: env.control,
      write: async (stream, data) => {
        for (const piece of chunks(budget.take(stream, data))) await env.write(frame, stream, piece);
      },
    }));
    // A command that ignores its signal (a statfs on a hung mount) must not hold the session: it is answered anyway.
    const abandoned = abort.afterAbort(ABANDON_AFTER_MS).then((): RunOutcome => {
      ran.catch(() => {});
      return { exitCode: null };
    });
    outcome = await Promise.race([ran, abandoned]);
  } catch (err) {
    // A command that throws is a bug in it, not the client's fault: answer, and keep the session.
    outcome = { exitCode: null, error: { code: ErrorCode.INTERNAL, message: `internal error in ${resolved.name}: ${err instanceof Error ? err.message : String(err)}` } };
  } finally {
    clearTimeout(timer);
  }
  const answer: RunAnswer = { exitCode: outcome.exitCode, durationMs: 0 };
  if (outcome.signal) answer.signal = outcome.signal;
  if (budget.truncated) answer.truncated = true;
  const error = abort.reason?.toJSON() ?? outcome.error;
  if (error) answer.error = error.message.length > MAX_MESSAGE ? { code: error.code, message: `${error.message.slice(0, MAX_MESSAGE)}…` } : error;
  return answer;
}
