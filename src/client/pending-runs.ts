import type { TcpcmdError } from '../protocol/index.js';
import { ErrorCode, type DoneFrame, type RunId, type StreamName } from '../protocol/index.js';
import type { RunOptions, RunResult } from './types.js';

/** A run sent and not answered yet. Output is gathered as text: most runs answer in one piece. */
export interface PendingRun {
  command: string;
  options: RunOptions;
  stdout: string;
  stderr: string;
  resolve(result: RunResult): void;
  reject(err: TcpcmdError): void;
  /** The caller's signal and its listener, removed when the run ends. */
  onAbort?: () => void;
}

/** Runs waiting for their done frame, by id. On a lost connection all are rejected with the cause. */
export class PendingRuns {
  private readonly runs = new Map<RunId, PendingRun>();

  get size(): number {
    return this.runs.size;
  }

  add(id: RunId, run: PendingRun): void {
    this.runs.set(id, run);
  }

  has(id: RunId): boolean {
    return this.runs.has(id);
  }

  output(id: RunId, stream: StreamName, data: string): void {
    const run = this.runs.get(id);
    if (!run) return;
    if (run.options.collect !== false) {
      if (stream === 'stdout') run.stdout += data;
      else run.stderr += data;
    }
    run.options.onOutput?.(stream, data);
  }

  done(frame: DoneFrame): void {
    const run = this.take(frame.id);
    if (!run) return;
    const code = frame.error?.code;
    const result: RunResult = {
      id: frame.id,
      command: run.command,
      exitCode: frame.exitCode,
      durationMs: frame.durationMs,
      truncated: frame.truncated === true,
      timedOut: code === ErrorCode.TIMEOUT,
      cancelled: code === ErrorCode.CANCELLED,
      stdout: run.stdout,
      stderr: run.stderr,
    };
    if (frame.signal) result.signal = frame.signal;
    if (frame.error) result.error = frame.error;
    run.resolve(result);
  }

  fail(id: RunId, err: TcpcmdError): void {
    this.take(id)?.reject(err);
  }

  failAll(err: TcpcmdError): void {
    for (const id of [...this.runs.keys()]) this.fail(id, err);
  }

  private take(id: RunId): PendingRun | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    this.runs.delete(id);
    if (run.onAbort) run.options.signal?.removeEventListener('abort', run.onAbort);
    return run;
  }
}
