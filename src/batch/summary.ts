/**
 * Counting outcomes and saying how the batch went: the summary object the CLI
 * turns into an exit code, and its text for stderr.
 */
import { Exit } from '../protocol/index.js';
import type { OutputRow, Status } from './columns.js';
import { explainRow } from './expect.js';

export type StatusCounts = Record<Status, number>;

function emptyCounts(): StatusCounts {
  return { ok: 0, failed: 0, error: 0, timeout: 0, skipped: 0 };
}

/** Failures kept for the summary; the rest are counted (the transcript has them all). */
export const MAX_FAILURES = 50;

/** Counts rows by status and keeps the first failures. */
export class Tally {
  readonly counts = emptyCounts();
  readonly failures: OutputRow[] = [];
  rows = 0;

  /** `listed: false` counts a failure without listing it (a dead target's rows are listed once, as unreachable). */
  add(row: OutputRow, listed = true): void {
    this.rows++;
    this.counts[row.status]++;
    if (row.status !== 'ok' && listed && this.failures.length < MAX_FAILURES) this.failures.push(row);
  }

  get notOk(): number {
    return this.rows - this.counts.ok;
  }
}

export interface Unreachable {
  target: string;
  error: string;
  /** Rows that got an error row because of it. */
  rows: number;
}

/** OK all passed; FAILED something failed or did not run; CONNECT no target could be reached; INTERRUPTED. */
export type BatchExitCode = typeof Exit.OK | typeof Exit.FAILED | typeof Exit.CONNECT | typeof Exit.INTERRUPTED;

export interface BatchSummary {
  exitCode: BatchExitCode;
  /** Rows in the transcript now: the resumed ones and this run's. */
  rows: number;
  /** By status, resumed rows included. */
  counts: StatusCounts;
  /** Rows found already finished in the --resume file. */
  resumed: number;
  /** Rows of the --resume file whose outcome was unknown (in flight when a connection was lost), run again: they may have run twice. */
  unknownRunAgain: number;
  /** Runs planned for this invocation (after shard and resume). */
  planned: number;
  /** Runs that ended in this invocation. */
  ran: number;
  /** Planned runs with no row, because the batch was interrupted. */
  notRun: number;
  /** The first failing rows (MAX_FAILURES at most), resumed ones first. */
  failures: OutputRow[];
  /** Targets whose connection failed; their rows are error rows. */
  unreachable: Unreachable[];
  interrupted: boolean;
  /**
   * Nobody read the results any more (stdout's reader left: `| head`): the
   * batch stopped early and quietly. Rows that ended after that were not
   * written and are not counted; the exit code is that of the rows before.
   */
  readerGone: boolean;
  durationMs: number;
  /** The results file, or null for stdout. */
  output: string | null;
}

export function summaryExitCode(s: Pick<BatchSummary, 'interrupted' | 'counts' | 'rows' | 'unreachable'>, targetsTried: number): BatchExitCode {
  if (s.interrupted) return Exit.INTERRUPTED;
  if (targetsTried > 0 && s.unreachable.length === targetsTried) return Exit.CONNECT;
  return s.rows === s.counts.ok ? Exit.OK : Exit.FAILED;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What this invocation's runs came to (the runner's result). */
export interface RunsDone {
  tally: Tally;
  unreachable: Unreachable[];
  /** Targets a connection was attempted to. */
  targetsTried: number;
  interrupted: boolean;
  /** The output's reader went away: the runs after that were cancelled and not counted. */
  readerGone: boolean;
  /** Runs planned for this invocation. */
  planned: number;
}

/** The batch's summary: this invocation's runs, with what a --resume file already held (`resumed`) added. */
export function summarize(runs: RunsDone, resumed: { tally: Tally; unknown: number } | undefined, end: { durationMs: number; output: string | null }): BatchSummary {
  const counts = { ...runs.tally.counts };
  if (resumed) for (const k of Object.keys(counts) as Status[]) counts[k] += resumed.tally.counts[k];
  const summary: BatchSummary = {
    exitCode: 0,
    rows: runs.tally.rows + (resumed?.tally.rows ?? 0),
    counts,
    resumed: resumed?.tally.rows ?? 0,
    unknownRunAgain: resumed?.unknown ?? 0,
    planned: runs.planned,
    ran: runs.tally.rows,
    notRun: Math.max(0, runs.planned - runs.tally.rows),
    failures: [...(resumed?.tally.failures ?? []), ...runs.tally.failures].slice(0, MAX_FAILURES),
    unreachable: runs.unreachable,
    interrupted: runs.interrupted,
    readerGone: runs.readerGone,
    ...end,
  };
  summary.exitCode = summaryExitCode(summary, runs.targetsTried);
  return summary;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** `tcpcmd run: 120 rows: 118 ok, 2 failed, 0 errors in 1.4s (85 rows/s)`, plus what is not zero of the rest. */
export function summaryLine(s: BatchSummary): string {
  const c = s.counts;
  const parts = [`${c.ok} ok`, `${c.failed} failed`, plural(c.error, 'error')];
  if (c.timeout > 0) parts.push(`${c.timeout} timed out`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  const rate = s.durationMs > 0 ? Math.round((s.ran * 1000) / s.durationMs) : s.ran;
  let line = `tcpcmd run: ${plural(s.rows, 'row')}: ${parts.join(', ')} in ${formatDuration(s.durationMs)} (${rate} rows/s)`;
  if (s.resumed > 0) line += `; ${s.resumed} from the resumed file`;
  if (s.unknownRunAgain > 0) line += `; ${plural(s.unknownRunAgain, 'row')} whose outcome was unknown (in flight when a connection was lost) run again: they may have run before`;
  if (s.interrupted) line += `; interrupted, ${s.notRun} not run`;
  return line;
}

/** The summary line, then the unreachable targets and the failures (at most `max`). */
export function formatSummary(s: BatchSummary, max = 20): string {
  const lines = [summaryLine(s)];
  for (const u of s.unreachable) lines.push(`  unreachable ${u.target}: ${u.error} (${plural(u.rows, 'row')})`);
  const shown = s.failures.slice(0, max);
  for (const row of shown) {
    const title = row.name !== '' ? row.name : row.command;
    lines.push(`  ${row.status.padEnd(7)} #${row.seq} ${oneLine(title)} @${row.target}: ${oneLine(explainRow(row))}`);
  }
  const listed = s.failures.length > shown.length ? shown.length : s.failures.length;
  const notOk = s.rows - s.counts.ok - s.unreachable.reduce((n, u) => n + u.rows, 0);
  if (notOk > listed) lines.push(`  ... and ${notOk - listed} more${s.output ? ` in ${s.output}` : ''}`);
  return lines.join('\n') + '\n';
}

function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
