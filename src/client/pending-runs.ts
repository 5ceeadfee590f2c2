import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import type { TcpcmdError } from '../protocol/index.js';
import { ErrorCode, type DoneFrame, type ErrorInfo, type RunId, type StreamName } from '../protocol/index.js';
import { whenAborted } from './abort-waiters.js';
import type { RunOptions, RunResult } from './types.js';

/**
 * A run sent and not answered yet, and the promise its caller waits on.
 * Output is gathered as text: most runs answer in one piece. A class, so
 * every run has the same shape.
 */
export class PendingRun {
  stdout = '';
  stderr = '';
  /** The client's own deadline (the run's timeout plus a grace), when it has one. */
  timer: NodeJS.Timeout | undefined = undefined;
  /** Made once a stream sends bytes (base64 frames): they are read as text through it, a character may span frames. */
  decoders: Partial<Record<StreamName, StringDecoder>> | undefined = undefined;
  /** A collected stream's bytes, kept once it sent bytes: the result's `bytes` if they are not all text. */
  raw: Partial<Record<StreamName, Buffer[]>> | undefined = undefined;
  /** Told when the run is answered or fails (a stdin pump stops). */
  settled: (() => void) | undefined = undefined;
  readonly promise: Promise<RunResult>;
  resolve!: (result: RunResult) => void;
  reject!: (err: TcpcmdError) => void;

  constructor(readonly command: string, readonly options: RunOptions) {
    this.promise = new Promise<RunResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** The runs in flight that share a signal, and how to stop waiting on it. */
interface SignalGroup {
  ids: Set<RunId>;
  unwait: () => void;
}

/**
 * Runs waiting for their done frame, by id. On a lost connection all are
 * rejected with the cause. Runs given the same AbortSignal (a batch gives
 * one to all its runs) wait on it as one group (one whenAborted): a waiter
 * of its own per run (two closures made and a set entry kept per run)
 * cost a 20,000-row run about a tenth more CPU.
 */
export class PendingRuns {
  private readonly runs = new Map<RunId, PendingRun>();
  private readonly bySignal = new Map<AbortSignal, SignalGroup>();

  /** `onAbort` is told of each run whose signal fires while it waits. */
  constructor(private readonly onAbort: (id: RunId) => void) {}

  get size(): number {
    return this.runs.size;
  }

  add(id: RunId, run: PendingRun): void {
    this.runs.set(id, run);
    const { signal } = run.options;
    if (!signal) return;
    let group = this.bySignal.get(signal);
    if (!group) {
      const ids = new Set<RunId>();
      const unwait = whenAborted(signal, () => {
        this.bySignal.delete(signal);
        for (const waiting of [...ids]) this.onAbort(waiting);
      });
      group = { ids, unwait };
      this.bySignal.set(signal, group);
    }
    group.ids.add(id);
  }

  /** A piece of output: text, or (`base64`) the base64 of bytes. */
  output(id: RunId, stream: StreamName, data: string, base64 = false): void {
    const run = this.runs.get(id);
    if (!run) return;
    let bytes: Buffer | undefined;
    let text = data;
    const decoder = run.decoders?.[stream];
    if (base64 || decoder) {
      bytes = base64 ? Buffer.from(data, 'base64') : Buffer.from(data);
      const decoders = (run.decoders ??= {});
      text = (decoders[stream] ??= new StringDecoder('utf8')).write(bytes);
    }
    if (run.options.collect !== false) {
      if (stream === 'stdout') run.stdout += text;
      else run.stderr += text;
      if (base64 || run.raw?.[stream]) {
        const raw = (run.raw ??= {});
        // The text collected before the first bytes came, then every piece as bytes.
        (raw[stream] ??= [Buffer.from(stream === 'stdout' ? run.stdout.slice(0, run.stdout.length - text.length) : run.stderr.slice(0, run.stderr.length - text.length))]).push(bytes ?? Buffer.from(data));
      }
    }
    if (text !== '') run.options.onOutput?.(stream, text);
    run.options.onBytes?.(stream, bytes ?? Buffer.from(data));
  }

  done(frame: DoneFrame): void {
    const run = this.take(frame.id);
    if (!run) return;
    if (run.decoders) this.endDecoders(run, run.decoders);
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
    if (frame.data) result.data = frame.data;
    if (run.raw) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const parts = run.raw[stream];
        if (!parts) continue;
        const all = Buffer.concat(parts);
        if (isUtf8(all)) result[stream] = all.toString('utf8'); // only characters split across frames
        else (result.bytes ??= {})[stream] = all;
      }
    }
    run.resolve(result);
  }

  /** What the decoders of a run's bytes still hold (an unfinished character) is its output's end. */
  private endDecoders(run: PendingRun, decoders: Partial<Record<StreamName, StringDecoder>>): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = decoders[stream]?.end();
      if (!rest) continue;
      if (run.options.collect !== false) run[stream] += rest;
      run.options.onOutput?.(stream, rest);
    }
  }

  /**
   * Gives up waiting for a run (the server did not answer in time): it ends
   * now as timed out, with the output received so far and no exit code; a
   * late answer is ignored.
   */
  giveUp(id: RunId, error: ErrorInfo): void {
    const run = this.take(id);
    if (!run) return;
    run.resolve({
      id, command: run.command, exitCode: null, durationMs: 0, truncated: false, timedOut: true, cancelled: false,
      error, stdout: run.stdout, stderr: run.stderr,
    });
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
    if (run.timer) clearTimeout(run.timer);
    run.settled?.();
    const { signal } = run.options;
    const group = signal ? this.bySignal.get(signal) : undefined;
    if (signal && group) {
      group.ids.delete(id);
      if (group.ids.size === 0) {
        this.bySignal.delete(signal);
        group.unwait();
      }
    }
    return run;
  }
}
