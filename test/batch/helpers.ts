/**
 * Test helpers for the batch runner: temp dirs, a collecting stream, and an
 * in-process test double of the client's `connect` whose runs answer
 * deterministically (the real client and server are tested end to end elsewhere).
 *
 * Fake commands:
 *   echo <text>   stdout "<text>\n", exit 0       exit <n>   exit code n
 *   err <text>    stderr "<text>\n", exit 0       sleep <ms> answers after ms (honours timeout and cancel)
 *   bogus...      UNKNOWN_COMMAND error           drop       the connection is lost
 *   anything else: stdout "ran <cmd>\n", exit 0
 * A cancelled run that has not started is answered at once (out of turn), as the server does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import type { ConnectOptions, RunOptions, RunResult } from '../../src/client/types.js';
import { type Address, ErrorCode, TcpcmdError, formatAddress } from '../../src/protocol/index.js';
import type { BatchConnect, BatchConnection } from '../../src/batch/connection.js';

export interface TempDir {
  dir: string;
  path: (name: string) => string;
  cleanup: () => Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-batch-test-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh temp dir for each test of the calling file, removed after the test. */
export function useTempDir(): Pick<TempDir, 'dir' | 'path'> {
  let current: TempDir | undefined;
  beforeEach(async () => {
    current = await tempDir();
  });
  afterEach(async () => {
    await current?.cleanup();
  });
  const now = (): TempDir => {
    if (!current) throw new Error('useTempDir: only inside a test');
    return current;
  };
  return {
    get dir() {
      return now().dir;
    },
    path: (name) => now().path(name),
  };
}

/** A Writable that keeps what it gets, optionally pretending to be a terminal. */
export class Collect extends Writable {
  chunks: string[] = [];
  isTTY?: boolean;
  columns?: number;
  constructor(tty = false) {
    super();
    if (tty) {
      this.isTTY = true;
      this.columns = 100;
    }
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(chunk.toString('utf8'));
    cb();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export interface FakeLog {
  /** Every run, in the order it was sent: `target command`. */
  sent: { target: string; cmd: string; timeout?: number }[];
  /** Every run, in the order the fake server executed it, per target. */
  executed: Map<string, string[]>;
  connects: string[];
  /** Most runs in flight on one connection at once. */
  maxInFlight: number;
  /** Most connections open at once. */
  maxOpen: number;
  closed: number;
}

export interface FakeOptions {
  /** Targets (host:port) whose connect fails. */
  dead?: string[];
  /** Delay before a connect fails, ms. */
  deadDelayMs?: number;
  /** Per-run latency, ms (0: next macrotask). */
  latencyMs?: number;
  /** Keep `sent` and `executed` (default true; off for big inputs, where the log itself would grow). */
  record?: boolean;
  /** Told of each run as the client sends it, and as the fake server starts it: a test waits on these, not on a clock. */
  onSend?: (target: string, cmd: string) => void;
  onStart?: (target: string, cmd: string) => void;
}

export function fakeConnect(options: FakeOptions = {}): { connect: BatchConnect; log: FakeLog } {
  const log: FakeLog = { sent: [], executed: new Map(), connects: [], maxInFlight: 0, maxOpen: 0, closed: 0 };
  let open = 0;
  const record = options.record ?? true;
  const connect: BatchConnect = async (target: Address, _connectOptions?: ConnectOptions): Promise<BatchConnection> => {
    const key = formatAddress(target);
    log.connects.push(key);
    if (options.dead?.includes(key)) {
      await new Promise((r) => setTimeout(r, options.deadDelayMs ?? 1));
      throw new TcpcmdError(ErrorCode.CONNECT_FAILED, `connect ECONNREFUSED ${key}`);
    }
    open++;
    log.maxOpen = Math.max(log.maxOpen, open);
    let inFlight = 0;
    let lost = false;
    let seq = 0;
    const pending = new Set<(err: Error) => void>();
    // The fake server runs a session's runs one at a time, in order.
    let chain: Promise<unknown> = Promise.resolve();
    const loseConnection = (): void => {
      lost = true;
      for (const reject of pending) reject(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'connection closed by the server'));
      pending.clear();
    };
    return {
      run(cmd: string, runOptions: RunOptions = {}): Promise<RunResult> {
        if (record) log.sent.push({ target: key, cmd, ...(runOptions.timeout !== undefined ? { timeout: runOptions.timeout } : {}) });
        options.onSend?.(key, cmd);
        if (lost) return Promise.reject(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'connection is closed'));
        inFlight++;
        log.maxInFlight = Math.max(log.maxInFlight, inFlight);
        const id = ++seq;
        return new Promise<RunResult>((resolve, reject) => {
          pending.add(reject);
          // Like the server, a run cancelled while it waits its turn never starts, and is answered at
          // once: before the run ahead of it, which has to be stopped first.
          const { signal } = runOptions;
          const cancelWaiting = (): void => {
            if (pending.delete(reject)) resolve(result(id, cmd, { exitCode: null, cancelled: true, error: { code: ErrorCode.CANCELLED, message: 'cancelled' } }));
          };
          if (signal?.aborted) cancelWaiting();
          else signal?.addEventListener('abort', cancelWaiting, { once: true });
          chain = chain.then(async () => {
            signal?.removeEventListener('abort', cancelWaiting);
            if (!pending.has(reject)) return;
            options.onStart?.(key, cmd);
            if (record) {
              const list = log.executed.get(key) ?? [];
              list.push(cmd);
              log.executed.set(key, list);
            }
            const answer = await execute(id, cmd, runOptions, options.latencyMs ?? 0, loseConnection);
            if (pending.delete(reject)) resolve(answer);
          });
        }).finally(() => {
          inFlight--;
        });
      },
      async close() {
        if (!lost) {
          open--;
          log.closed++;
        }
        loseConnection();
      },
    };
  };
  return { connect, log };
}

function result(id: number, cmd: string, fields: Partial<RunResult>): RunResult {
  return { id, command: cmd, exitCode: 0, durationMs: 1, truncated: false, timedOut: false, cancelled: false, stdout: '', stderr: '', ...fields };
}

async function execute(id: number, cmd: string, options: RunOptions, latencyMs: number, lose: () => void): Promise<RunResult> {
  const [word = '', ...rest] = cmd.split(' ');
  const arg = rest.join(' ');
  if (word === 'sleep') {
    const ms = Number(arg);
    const timers: NodeJS.Timeout[] = [];
    let onAbort: (() => void) | undefined;
    const outcome = await new Promise<'done' | 'timeout' | 'cancelled'>((resolve) => {
      timers.push(setTimeout(() => resolve('done'), ms));
      if (options.timeout !== undefined) timers.push(setTimeout(() => resolve('timeout'), options.timeout));
      onAbort = () => resolve('cancelled');
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    for (const t of timers) clearTimeout(t);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    if (outcome === 'timeout') return result(id, cmd, { exitCode: null, timedOut: true, durationMs: options.timeout ?? 0, error: { code: ErrorCode.TIMEOUT, message: `timed out after ${options.timeout}ms` } });
    if (outcome === 'cancelled') return result(id, cmd, { exitCode: null, cancelled: true, error: { code: ErrorCode.CANCELLED, message: 'cancelled' } });
    return result(id, cmd, { durationMs: ms, stdout: 'slept\n' });
  }
  await new Promise((r) => (latencyMs > 0 ? setTimeout(r, latencyMs) : setImmediate(r)));
  switch (word) {
    case 'echo':
      return result(id, cmd, { stdout: `${arg}\n` });
    case 'err':
      return result(id, cmd, { stderr: `${arg}\n` });
    case 'exit':
      return result(id, cmd, { exitCode: Number(arg) });
    case 'drop':
      lose();
      return result(id, cmd, {});
    default:
      if (word.startsWith('bogus')) return result(id, cmd, { exitCode: null, error: { code: ErrorCode.UNKNOWN_COMMAND, message: `unknown command "${word}"` } });
      return result(id, cmd, { stdout: `ran ${cmd}\n` });
  }
}

/** Races a promise against a deadline, so a hung test fails fast and says so. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`did not finish within ${ms}ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
