import type { TcpcmdError} from '../protocol/index.js';
import { ErrorCode, type DoneFrame, type RunId, type StreamName } from '../protocol/index.js';
import type { RunOptions, RunResult } from './types.js';

interface PendingRun {
  command: string;
  options: RunOptions;
  stdout: string[];
  stderr: string[];
  resolve(result: RunResult): void;
  reject(err: TcpcmdError): void;
  detach(): void;
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
    if (run.options.collect !== false) (stream === 'stdout' ? run.stdout : run.stderr).push(data);
    run.options.onOutput?.(stream, data);
  }

  done(frame: DoneFrame): void {
    const run = this.runs.get(frame.id);
    if (!run) return;
    this.runs.delete(frame.id);
    run.detach();
    const code = frame.error?.code;
    run.resolve({
      id: frame.id,
      command: run.command,
      exitCode: frame.exitCode,
      ...(frame.signal ? { signal: frame.signal } : {}),
      durationMs: frame.durationMs,
      truncated: frame.truncated === true,
      timedOut: code === ErrorCode.TIMEOUT,
      cancelled: code === ErrorCode.CANCELLED,
      ...(frame.error ? { error: frame.error } : {}),
      stdout: run.stdout.join(''),
      stderr: run.stderr.join(''),
    });
  }

  fail(id: RunId, err: TcpcmdError): void {
    const run = this.runs.get(id);
    if (!run) return;
    this.runs.delete(id);
    run.detach();
    run.reject(err);
  }

  failAll(err: TcpcmdError): void {
    for (const id of [...this.runs.keys()]) this.fail(id, err);
  }
}

export type { PendingRun };
