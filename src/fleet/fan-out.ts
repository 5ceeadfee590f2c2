/**
 * One command on many servers at once (`tcpcmd exec --targets`): at most
 * `concurrency` sessions open, each server's output handed on as it comes,
 * one outcome per server. A server that cannot be reached is an outcome like
 * any other: the others go on.
 */
import { connectAndRun } from '../client/connect.js';
import type { Connection } from '../client/connection.js';
import type { ConnectOptions, RunOptions } from '../client/types.js';
import type { BatchTarget } from '../batch/targets.js';
import { ErrorCode, isTcpcmdError, type RunData, type StreamName } from '../protocol/index.js';

export interface FanOutOutcome {
  target: BatchTarget;
  /** Whether a session was opened (false: connect or handshake failed). */
  reached: boolean;
  /** The command's exit code; null when it produced none. */
  exitCode: number | null;
  /** Why the server did not run it to an exit code of its own: `{ code, message }`. */
  error?: { code: string; message: string };
  cancelled: boolean;
  /** The figures of a supervision builtin (`cpu`, `ram`, ...), from servers that send them. */
  data?: RunData;
}

export interface FanOutOptions {
  targets: readonly BatchTarget[];
  command: string;
  /** Sessions open at once. */
  concurrency: number;
  /** TLS, connect timeout, client name; a target's own token overrides `token`. */
  connectOptions: ConnectOptions;
  /** Asks each server to stop the command after this many ms. */
  timeout?: number;
  /** Stops everything: sessions not opened yet are not opened, runs in flight are cancelled. */
  signal?: AbortSignal;
  onOutput?: (target: BatchTarget, stream: StreamName, data: string) => void;
  /** Called once per server as it finishes, in the order they finish. */
  onDone?: (outcome: FanOutOutcome) => void;
}

/** Whether every server ran the command to exit code 0. */
export function succeeded(o: FanOutOutcome): boolean {
  return o.reached && o.exitCode === 0 && o.error === undefined && !o.cancelled;
}

/**
 * Runs the command on every target; resolves with the outcomes in target
 * order. `pauseAll`/`resumeAll` on the returned handle stop and restart
 * reading from every open session (backpressure from a slow terminal).
 */
export function fanOut(options: FanOutOptions): { done: Promise<FanOutOutcome[]>; pauseAll(): void; resumeAll(): void } {
  const sessions = new OpenSessions();
  const outcomes: FanOutOutcome[] = new Array<FanOutOutcome>(options.targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.targets.length) {
      const index = next++;
      const outcome = await runOn(options.targets[index] as BatchTarget, options, sessions);
      outcomes[index] = outcome;
      options.onDone?.(outcome);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, options.targets.length));
  const done = Promise.all(Array.from({ length: workers }, worker)).then(async () => {
    await sessions.closed();
    return outcomes;
  });
  return { done, pauseAll: () => sessions.pause(), resumeAll: () => sessions.resume() };
}

/**
 * The sessions open now, read or not together; and those closing, which the
 * fan-out waits for at its end. Every server shares the caller's signal: the
 * client library waits on a signal with one listener however many connections
 * do (a signal of its own per server cost more than its connect).
 */
class OpenSessions {
  private readonly open = new Set<Connection>();
  private readonly closing = new Set<Promise<void>>();
  private paused = false;

  add(conn: Connection): void {
    this.open.add(conn);
    if (this.paused) conn.pause();
  }

  /** Closes without holding a place: the next server is started while this one says goodbye. */
  close(conn: Connection): void {
    this.open.delete(conn);
    const closing = conn.close().catch(() => undefined);
    this.closing.add(closing);
    void closing.then(() => this.closing.delete(closing));
  }

  async closed(): Promise<void> {
    await Promise.all(this.closing);
  }

  pause(): void {
    this.paused = true;
    for (const c of this.open) c.pause();
  }

  resume(): void {
    this.paused = false;
    for (const c of this.open) c.resume();
  }
}

/** One server: connects with the command sent along with the handshake; waits for its end. */
async function runOn(target: BatchTarget, options: FanOutOptions, sessions: OpenSessions): Promise<FanOutOutcome> {
  const base = { target, reached: false, exitCode: null, cancelled: false };
  const { timeout, onOutput, signal } = options;
  if (signal?.aborted) return { ...base, cancelled: true, error: { code: ErrorCode.INTERRUPTED, message: 'interrupted before it was reached' } };
  const connectOptions: ConnectOptions = { ...options.connectOptions, ...(target.token !== undefined ? { token: target.token } : {}), ...(signal ? { signal } : {}) };
  const runOptions: RunOptions = {
    ...(timeout !== undefined ? { timeout } : {}),
    ...(signal ? { signal } : {}),
    collect: false,
    ...(onOutput ? { onOutput: (stream: StreamName, data: string) => onOutput(target, stream, data) } : {}),
  };
  let opened;
  try {
    opened = await connectAndRun(target.address, options.command, runOptions, connectOptions);
  } catch (err) {
    return { ...base, error: errorInfo(err) };
  }
  sessions.add(opened.connection);
  try {
    const result = await opened.result;
    const error = result.error ? { error: { code: result.error.code, message: result.error.message } } : {};
    return { target, reached: true, exitCode: result.exitCode, cancelled: result.cancelled, ...error, ...(result.data !== undefined ? { data: result.data } : {}) };
  } catch (err) {
    return { ...base, reached: true, error: errorInfo(err) };
  } finally {
    sessions.close(opened.connection);
  }
}

function errorInfo(err: unknown): { code: string; message: string } {
  if (isTcpcmdError(err)) return { code: err.code, message: err.message };
  return { code: ErrorCode.INTERNAL, message: err instanceof Error ? err.message : String(err) };
}
