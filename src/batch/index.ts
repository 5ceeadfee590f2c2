/**
 * `tcpcmd run`: the one entry point the CLI calls. Everything that can be
 * wrong with the input is found before anything runs (and before the output
 * file is touched); then the runs stream through, and the summary says what
 * happened and which exit code to use.
 */
import { openSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { ConnectOptions } from '../client/types.js';
import { ErrorCode, TcpcmdError, positiveMs, errorMessage } from '../protocol/index.js';
import type { OutputRow } from './columns.js';
import { validateInput } from './input.js';
import { STDIN_NAME, type Spooled, spoolStream } from './spool.js';
import { buildPlan, concurrencyHint } from './plan.js';
import { type ProgressReporter, colorWanted, lineProgress, noProgress, progressWanted } from './progress.js';
import { type ResumeFormat, type ResumeState, loadResume, prepareResumeFile } from './resume.js';
import type { BatchConnect } from './connection.js';
import { Runner, type RunnerResult } from './runner.js';
import { ALL, type Shard, parseShard } from './shard.js';
import { type BatchSummary, MAX_FAILURES, formatSummary, summaryExitCode } from './summary.js';
import { type BatchTarget, indexTargets, loadTargets, parseTargetOption } from './targets.js';
import { type ByteSink, type OutputFormat, RESUMABLE_FORMATS, type ResultSink, createSink, fileSink, nullSink, parseFormat, streamSink } from './writers/index.js';

export interface BatchOptions {
  /** The commands file, or `-` for stdin. */
  input: string;
  /** Read when `input` is `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** `--target host[:port]`: where rows without a target cell run. */
  target?: string;
  /** `--targets servers.csv`: every row without a target cell runs on each. */
  targets?: string;
  /** `--out F`; results go to `stdout` without it. */
  out?: string;
  /** csv (default), jsonl, json, junit; without it, taken from the --out/--resume extension (.jsonl, .json, .xml). */
  format?: string;
  /** Sessions open at once (default 4). */
  concurrency?: number;
  /** Spread one target's rows over several sessions (file order per target is lost). */
  unordered?: boolean;
  /** Per-run timeout in ms for rows without a timeout cell. */
  timeout?: number;
  failFast?: boolean;
  /** `--resume F`: continue a killed batch in F (csv or jsonl); it is also the output. */
  resume?: string;
  /** `--shard i/n`. */
  shard?: string | Shard;
  ignoreUnknownColumns?: boolean;
  /** Runs in flight per session (default 256). */
  window?: number;
  /** Command characters in flight per session (default 512 Ki, under the server's 1 MiB queue limit). */
  windowChars?: number;
  /** A file of up to this many rows is read once, its rows kept from the check (default 50,000); 0 reads every file again. */
  keepRows?: number;
  /** The client library's connect (injected: keeps batch testable and the import one-way). */
  connect: BatchConnect;
  /** TLS, connect timeout, client name, token (a servers.csv token_env wins). */
  connectOptions?: ConnectOptions;
  /** Interrupt (e.g. SIGINT): runs in flight are cancelled, the output is closed properly, exit code 130. */
  signal?: AbortSignal;
  /**
   * Where results go without `out` (default process.stdout); null: nowhere,
   * the rows reach `onRow` only. When its reader goes away (EPIPE, as in
   * `tcpcmd run … | head -1`) the batch stops quietly: see BatchSummary.readerGone.
   */
  stdout?: Writable | null;
  /** Called with each row as it is written (in the order written), e.g. to show or keep it. */
  onRow?: (row: OutputRow) => void;
  /** Hints, progress and the summary (default process.stderr). */
  stderr?: Writable & { isTTY?: boolean; columns?: number };
  /**
   * 'auto' (default): a progress line when stderr is a terminal, not in CI, and the results do not go to a terminal's stdout.
   * A reporter of your own is started with the runner's counters (the web page's progress bar).
   */
  progress?: boolean | 'auto' | ProgressReporter;
  /** The input's name in messages (`name:line: ...`), when `input` is a copy (an upload). Default: `input`. */
  inputName?: string;
  /** Print the closing summary to stderr (default true). */
  printSummary?: boolean;
  /** For token_env, CI, NO_COLOR (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_WINDOW = 256;

function usage(message: string): TcpcmdError {
  return new TcpcmdError(ErrorCode.USAGE, message);
}

function positiveInt(value: number | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw usage(`${name} must be a whole number from 1 to ${max}, got ${value}`);
  return value;
}

function formatFromPath(path: string | undefined): OutputFormat {
  const p = (path ?? '').toLowerCase();
  if (p.endsWith('.jsonl') || p.endsWith('.ndjson')) return 'jsonl';
  if (p.endsWith('.json')) return 'json';
  if (p.endsWith('.xml')) return 'junit';
  return 'csv';
}

function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b); // links, ./ and ../
  } catch {
    return false; // one does not exist yet
  }
}

interface Settings {
  format: OutputFormat;
  concurrency: number;
  window: number;
  timeout: number | null;
  shard: Shard;
  out: string | undefined;
}

function settle(options: BatchOptions): Settings {
  if (options.target !== undefined && options.targets !== undefined) throw usage('give --target or --targets, not both');
  if (options.resume !== undefined && options.out !== undefined && options.out !== options.resume && !samePath(options.out, options.resume)) {
    throw usage('--resume F writes to F: leave out --out, or give the same file');
  }
  const out = options.resume ?? options.out;
  const format = options.format !== undefined ? parseFormat(options.format) : formatFromPath(out);
  if (options.resume !== undefined && !RESUMABLE_FORMATS.includes(format)) {
    throw usage(`--resume works with --format ${RESUMABLE_FORMATS.join(' or ')} (a ${format} file is only complete at the end)`);
  }
  const timeout = options.timeout === undefined ? null : positiveMs(options.timeout, '--timeout');
  const shard = options.shard === undefined ? ALL : typeof options.shard === 'string' ? parseShard(options.shard) : parseShard(`${options.shard.index}/${options.shard.count}`);
  return {
    format,
    concurrency: positiveInt(options.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1024),
    window: positiveInt(options.window, 'window', DEFAULT_WINDOW, 65_536),
    timeout,
    shard,
    out,
  };
}

/**
 * The results output: the --out file (created or truncated; appended to on
 * resume), else the stdout stream, else (stdout: null) nowhere. The file is
 * closed again if the sink cannot be made.
 */
function openSink(settings: Settings, options: BatchOptions, resume: ResumeState | undefined, onReaderGone: () => void): ResultSink {
  let out: ByteSink;
  if (settings.out !== undefined) {
    try {
      out = fileSink(openSync(settings.out, resume ? 'a' : 'w'), settings.out);
    } catch (err) {
      throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot open ${settings.out}: ${errorMessage(err)}`, { cause: err });
    }
  } else if (options.stdout === null) {
    return nullSink;
  } else {
    out = streamSink(options.stdout ?? process.stdout, 'stdout', onReaderGone);
  }
  try {
    return createSink(settings.format, out, { append: resume?.hasHead === true || (resume !== undefined && settings.format === 'jsonl') });
  } catch (err) {
    void out.close().catch(() => undefined); // a file closes at once; the sink's error is the one to report
    throw err;
  }
}

/**
 * Runs a batch. Throws TcpcmdError before anything runs for bad usage (USAGE)
 * or input (BAD_INPUT, with `file:line:` lines), and IO_ERROR when files
 * cannot be read or written; otherwise resolves with the summary, whose
 * exitCode is the one to exit with.
 */
// size-allowance: the steps of a batch in order (settings, input, plan, output, run, summary); to split: the summary and the output set-up out of it.
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const startedAt = Date.now();
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const settings = settle(options);

  let defaults: BatchTarget[] = [];
  if (options.targets !== undefined) defaults = await loadTargets(options.targets, env);
  else if (options.target !== undefined) defaults = [parseTargetOption(options.target)];
  const known = indexTargets(defaults);

  let spooled: Spooled | undefined;
  try {
    const fromStdin = options.input === '-';
    if (fromStdin) spooled = await spoolStream(options.stdin ?? process.stdin);
    const inputPath = spooled?.path ?? options.input;
    for (const [flag, path] of [['--out', settings.out], ['--resume', options.resume]] as const) {
      if (!fromStdin && path !== undefined && samePath(inputPath, path)) throw usage(`${flag} ${path} is the input file: it would be overwritten`);
    }

    const input = await validateInput(inputPath, {
      displayName: fromStdin ? STDIN_NAME : (options.inputName ?? options.input),
      ignoreUnknownColumns: options.ignoreUnknownColumns,
      knownTargets: known,
      hasDefaultTarget: defaults.length > 0,
      shard: settings.shard,
      keepRows: options.keepRows,
    });
    const plan = { concurrency: settings.concurrency, unordered: options.unordered === true };
    const jobs = buildPlan(input, defaults, plan);

    let resume: ResumeState | undefined;
    if (options.resume !== undefined) {
      const format = settings.format as ResumeFormat;
      resume = await loadResume(options.resume, { format, maxSeq: input.rows, shard: settings.shard, targets: new Set(jobs.map((job) => job.target.name)) });
      await prepareResumeFile(options.resume, resume, format);
    }

    // Only now, with the input known good, is the output created or truncated.
    const readerGone = new AbortController();
    const sink = openSink(settings, options, resume, () => readerGone.abort());
    let result: RunnerResult | undefined;
    try {
      const hint = options.concurrency !== undefined ? concurrencyHint(jobs, plan) : null;
      if (hint) stderr.write(`tcpcmd run: ${hint}\n`);

      const runner = new Runner(input, known, sink, {
        connect: options.connect,
        connectOptions: options.connectOptions,
        concurrency: settings.concurrency,
        window: settings.window,
        windowChars: options.windowChars,
        timeout: settings.timeout,
        failFast: options.failFast === true,
        shard: settings.shard,
        done: resume?.done,
        signal: options.signal,
        readerGone: readerGone.signal,
        onRow: options.onRow,
      });
      // Results on the terminal's stdout: a progress line on its stderr would land between the rows.
      const resultsTo = settings.out === undefined && options.stdout !== null ? (options.stdout ?? process.stdout) : null;
      const asked = options.progress;
      const wantProgress = asked === 'auto' || asked === undefined ? progressWanted(stderr, env, resultsTo) : asked;
      const progress: ProgressReporter =
        typeof wantProgress === 'object' ? wantProgress : wantProgress ? lineProgress(stderr, { color: colorWanted(stderr.isTTY === true, env) }) : noProgress;
      progress.start(() => runner.snapshot());
      try {
        result = await runner.run(jobs);
      } finally {
        progress.stop();
      }
    } finally {
      await sink.close().catch((err: unknown) => {
        if (result !== undefined) throw err; // a run error is the one worth reporting
      });
    }

    const resumed = resume?.tally;
    const counts = { ...result.tally.counts };
    if (resumed) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += resumed.counts[k];
    const summary: BatchSummary = {
      exitCode: 0,
      rows: result.tally.rows + (resumed?.rows ?? 0),
      counts,
      resumed: resumed?.rows ?? 0,
      unknownRunAgain: resume?.unknown ?? 0,
      planned: result.planned,
      ran: result.tally.rows,
      notRun: Math.max(0, result.planned - result.tally.rows),
      failures: [...(resumed?.failures ?? []), ...result.tally.failures].slice(0, MAX_FAILURES),
      unreachable: result.unreachable,
      interrupted: result.interrupted,
      readerGone: result.readerGone,
      durationMs: Date.now() - startedAt,
      output: settings.out ?? null,
    };
    summary.exitCode = summaryExitCode(summary, result.targetsTried);
    // Nobody reads on (`| head`): stop as quietly as any filter would.
    if (options.printSummary !== false && !summary.readerGone) stderr.write(formatSummary(summary));
    return summary;
  } finally {
    await spooled?.cleanup();
  }
}

export type { BatchSummary, StatusCounts, Unreachable, BatchExitCode } from './summary.js';
export type { BatchConnect, BatchConnection } from './connection.js';
export type { OutputRow, Status } from './columns.js';
export { OUTPUT_COLUMNS, INPUT_COLUMNS } from './columns.js';
export { FORMATS, type OutputFormat } from './writers/index.js';
export { formatSummary, summaryLine } from './summary.js';
export type { ProgressReporter, ProgressSnapshot } from './progress.js';
