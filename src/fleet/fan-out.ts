/**
 * One command on many servers at once (`tcpcmd exec --targets`): at most
 * `concurrency` sessions open, each server's output handed on as it comes,
 * one outcome per server. A server that cannot be reached is an outcome like
 * any other: the others go on.
 */
import type { Connection } from '../client/connection.js';
import type { ConnectOptions } from '../client/types.js';
import type { BatchTarget } from '../batch/targets.js';
import { ErrorCode, isTcpcmdError, type Address, type RunData, type StreamName } from '../protocol/index.js';

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
  connect: (address: Address, options: ConnectOptions) => Promise<Connection>;
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
  const open = new Set<Connection>();
  let paused = false;
  const outcomes: FanOutOutcome[] = new Array<FanOutOutcome>(options.targets.length);
  let next = 0;

  const one = async (index: number): Promise<void> => {
    const target = options.targets[index] as BatchTarget;
    const outcome = await runOn(target);
    outcomes[index] = outcome;
    options.onDone?.(outcome);
  };

  const runOn = async (target: BatchTarget): Promise<FanOutOutcome> => {
    const base = { target, reached: false, exitCode: null, cancelled: false };
    if (options.signal?.aborted) return { ...base, cancelled: true, error: { code: ErrorCode.INTERRUPTED, message: 'interrupted before it was reached' } };
    let conn: Connection;
    try {
      const connectOptions: ConnectOptions = { ...options.connectOptions };
      if (target.token !== undefined) connectOptions.token = target.token;
      if (options.signal) connectOptions.signal = options.signal;
      conn = await options.connect(target.address, connectOptions);
    } catch (err) {
      return { ...base, error: errorInfo(err) };
    }
    open.add(conn);
    if (paused) conn.pause();
    try {
      const result = await conn.run(options.command, {
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        collect: false,
        ...(options.onOutput ? { onOutput: (stream: StreamName, data: string) => options.onOutput?.(target, stream, data) } : {}),
      });
      return {
        target,
        reached: true,
        exitCode: result.exitCode,
        cancelled: result.cancelled,
        ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
        ...(result.data !== undefined ? { data: result.data } : {}),
      };
    } catch (err) {
      return { ...base, reached: true, error: errorInfo(err) };
    } finally {
      open.delete(conn);
      await conn.close().catch(() => undefined);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < options.targets.length) await one(next++);
  };
  const workers = Math.max(1, Math.min(options.concurrency, options.targets.length));
  const done = Promise.all(Array.from({ length: workers }, worker)).then(() => outcomes);
  return {
    done,
    pauseAll() {
      paused = true;
      for (const c of open) c.pause();
    },
    resumeAll() {
      paused = false;
      for (const c of open) c.resume();
    },
  };
}

function errorInfo(err: unknown): { code: string; message: string } {
  if (isTcpcmdError(err)) return { code: err.code, message: err.message };
  return { code: ErrorCode.INTERNAL, message: err instanceof Error ? err.message : String(err) };
}
