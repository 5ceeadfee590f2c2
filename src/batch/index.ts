/**
 * `tcpcmd run`: the one entry point the CLI calls. Everything that can be
 * wrong with the input is found before anything runs (and before the output
 * file is touched); then the runs stream through, and the summary says what
 * happened and which exit code to use.
 */
import { openSync, statSync } from 'node:fs';
import { ErrorCode, TcpcmdError, errorMessage } from '../protocol/index.js';
import { KEEP_CHARS, type ValidatedInput } from './input.js';
import { EarlyConnections } from './early-connect.js';
import { validateInput } from './input-check.js';
import { STDIN_NAME, type Spooled, spoolStream } from './spool.js';
import { type Job, buildPlan, concurrencyHint } from './plan.js';
import { type ProgressReporter, colorWanted, lineProgress, noProgress, progressWanted } from './progress.js';
import { type ResumeFormat, type ResumeState, loadResume, prepareResumeFile } from './resume.js';
import { type BatchOptions, type Settings, samePath, settle, usage } from './options.js';
import { Runner, type RunnerResult } from './runner.js';
import { type BatchSummary, formatSummary, summarize } from './summary.js';
import { type BatchTarget, indexTargets, loadTargets, parseTargetOption } from './targets.js';
import { type ByteSink, type ResultSink, createSink, fileSink, nullSink, streamSink } from './writers/index.js';

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
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const startedAt = Date.now();
  const env = options.env ?? process.env;
  const settings = settle(options);
  let defaults: BatchTarget[] = [];
  if (options.targets !== undefined) defaults = await loadTargets(options.targets, env);
  else if (options.target !== undefined) defaults = [parseTargetOption(options.target)];
  const known = indexTargets(defaults);
  let spooled: Spooled | undefined;
  let early: EarlyConnections | undefined;
  try {
    if (options.input === '-') spooled = await spoolStream(options.stdin ?? process.stdin);
    early = connectEarly(options, settings, defaults, spooled?.path ?? options.input);
    const input = await readInput(options, settings, spooled, known, defaults.length > 0);
    const plan = { concurrency: settings.concurrency, unordered: options.unordered === true };
    const jobs = buildPlan(input, defaults, plan);
    let resume: ResumeState | undefined;
    if (options.resume !== undefined) {
      const format = settings.format as ResumeFormat;
      resume = await loadResume(options.resume, { format, maxSeq: input.rows, shard: settings.shard, targets: new Set(jobs.map((job) => job.target.name)) });
      await prepareResumeFile(options.resume, resume, format);
    }
    const hint = options.concurrency !== undefined ? concurrencyHint(jobs, plan) : null;
    if (hint) (options.stderr ?? process.stderr).write(`tcpcmd run: ${hint}\n`);
    const result = await runJobs(options, settings, { input, known, jobs, resume, early });
    const summary = summarize(result, resume, { durationMs: Date.now() - startedAt, output: settings.out ?? null });
    // Nobody reads on (`| head`): stop as quietly as any filter would.
    if (options.printSummary !== false && !summary.readerGone) (options.stderr ?? process.stderr).write(formatSummary(summary));
    return summary;
  } finally {
    await early?.discard(); // the input was refused, or a target's rows were all done already
    await spooled?.cleanup();
  }
}

/**
 * Starts connecting to the first default targets (one session each, as
 * many as run at once) while the input is checked. Only for an input of a
 * size that is checked in about a second or less: a connection left idle
 * through a long check could be closed by the server's idle timeout.
 */
function connectEarly(options: BatchOptions, settings: Settings, defaults: readonly BatchTarget[], inputPath: string): EarlyConnections | undefined {
  if (defaults.length === 0) return undefined;
  try {
    if (statSync(inputPath).size > KEEP_CHARS) return undefined;
  } catch {
    return undefined; // the check says what is wrong with the input
  }
  return new EarlyConnections(options.connect, options.connectOptions, defaults.slice(0, settings.concurrency), options.signal);
}

/** The commands file (or stdin's copy), checked whole before anything runs. */
function readInput(options: BatchOptions, settings: Settings, spooled: Spooled | undefined, known: Map<string, BatchTarget>, hasDefaultTarget: boolean): Promise<ValidatedInput> {
  const inputPath = spooled?.path ?? options.input;
  for (const [flag, path] of [['--out', settings.out], ['--resume', options.resume]] as const) {
    if (!spooled && path !== undefined && samePath(inputPath, path)) throw usage(`${flag} ${path} is the input file: it would be overwritten`);
  }
  return validateInput(inputPath, {
    displayName: spooled ? STDIN_NAME : (options.inputName ?? options.input),
    ignoreUnknownColumns: options.ignoreUnknownColumns,
    knownTargets: known,
    hasDefaultTarget,
    shard: settings.shard,
    keepRows: options.keepRows,
  });
}

interface Work {
  input: ValidatedInput;
  known: Map<string, BatchTarget>;
  jobs: Job[];
  resume: ResumeState | undefined;
  early: EarlyConnections | undefined;
}

/** Opens the output (only now, with the input known good, is it created or truncated), runs the jobs, and closes it. */
async function runJobs(options: BatchOptions, settings: Settings, { input, known, jobs, resume, early }: Work): Promise<RunnerResult> {
  const readerGone = new AbortController();
  const sink = openSink(settings, options, resume, () => readerGone.abort());
  let result: RunnerResult | undefined;
  try {
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
      early,
    });
    const progress = chooseProgress(options, settings);
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
  return result;
}

/** The progress line on stderr, or the caller's reporter, or none. */
function chooseProgress(options: BatchOptions, settings: Settings): ProgressReporter {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  // Results on the terminal's stdout: a progress line on its stderr would land between the rows.
  const resultsTo = settings.out === undefined && options.stdout !== null ? (options.stdout ?? process.stdout) : null;
  const asked = options.progress;
  const wanted = asked === 'auto' || asked === undefined ? progressWanted(stderr, env, resultsTo) : asked;
  if (typeof wanted === 'object') return wanted;
  return wanted ? lineProgress(stderr, { color: colorWanted(stderr.isTTY === true, env) }) : noProgress;
}

export { DEFAULT_CONCURRENCY, DEFAULT_WINDOW, type BatchOptions } from './options.js';
export type { BatchSummary, StatusCounts, Unreachable, BatchExitCode } from './summary.js';
export type { BatchConnect, BatchConnection } from './connection.js';
export type { OutputRow, Status } from './columns.js';
export { OUTPUT_COLUMNS, INPUT_COLUMNS } from './columns.js';
export { FORMATS, type OutputFormat } from './writers/index.js';
export { formatSummary, summaryLine } from './summary.js';
export type { ProgressReporter, ProgressSnapshot } from './progress.js';
