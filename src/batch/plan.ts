/**
 * Which (row, target) pairs run, grouped into one job per target, and how many
 * sessions each job gets. A job reads its own rows (from a large file, only
 * the byte range that holds them), so no job ever waits on another's rows
 * and nothing is buffered between a reader and a slow target.
 */
import type { InputRow, RowRange, ValidatedInput } from './input.js';
import { type Shard, inShard } from './shard.js';
import type { BatchTarget } from './targets.js';

export interface Job {
  target: BatchTarget;
  /** Takes the rows without a target cell (it is a --target/--targets target). */
  takesUntargeted: boolean;
  /** The part of the file that holds the job's rows. */
  range: Pick<RowRange, 'start' | 'end' | 'firstSeq' | 'lastSeq'>;
  /** Rows planned for this target (shard applied; resume not). */
  rows: number;
  /** Sessions the target's rows are spread over: 1 keeps file order; more only with --unordered. */
  sessions: number;
}

export interface PlanOptions {
  /** Sessions open at once. */
  concurrency: number;
  /** Spread a target's rows over several sessions (file order is lost). */
  unordered: boolean;
}

function merge(a: RowRange | undefined, b: RowRange | undefined | null): RowRange | undefined {
  if (!a) return b ?? undefined;
  if (!b) return a;
  const first = a.start <= b.start ? a : b;
  return { rows: a.rows + b.rows, start: first.start, end: Math.max(a.end, b.end), firstSeq: first.firstSeq, lastSeq: Math.max(a.lastSeq, b.lastSeq) };
}

/** One job per target: the default targets first, in order, then targets named only in rows, by first use. */
export function buildPlan(input: ValidatedInput, defaults: readonly BatchTarget[], options: PlanOptions): Job[] {
  const jobs: Job[] = [];
  const defaultKeys = new Set(defaults.map((t) => t.key));
  for (const target of defaults) {
    const range = merge(input.targeted.get(target.key)?.range, input.untargeted);
    if (range) jobs.push({ target, takesUntargeted: true, range, rows: range.rows, sessions: 1 });
  }
  for (const { target, range } of input.targeted.values()) {
    if (!defaultKeys.has(target.key)) jobs.push({ target, takesUntargeted: false, range, rows: range.rows, sessions: 1 });
  }
  if (options.unordered) spreadSessions(jobs, options.concurrency);
  return jobs;
}

/** --unordered: share the session slots among jobs, never more sessions than rows. */
function spreadSessions(jobs: Job[], concurrency: number): void {
  if (jobs.length === 0 || jobs.length >= concurrency) return;
  const base = Math.floor(concurrency / jobs.length);
  let extra = concurrency % jobs.length;
  for (const job of jobs) {
    const share = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    job.sessions = Math.max(1, Math.min(share, job.rows));
  }
}

/** Whether a row read from the file runs in this job. */
export function belongsTo(row: InputRow, job: Job, shard: Shard): boolean {
  const mine = row.target === null ? job.takesUntargeted : row.target.key === job.target.key;
  return mine && inShard(row.seq, shard);
}

/** The one-line hint for `--concurrency N` that cannot help (ordered rows on few targets). */
export function concurrencyHint(jobs: readonly Job[], options: PlanOptions): string | null {
  if (options.unordered || jobs.length === 0 || options.concurrency <= jobs.length) return null;
  const n = jobs.length;
  return (
    `hint: --concurrency ${options.concurrency} but ${n} target${n === 1 ? '' : 's'}: each target's rows run in file order ` +
    `on one session; add --unordered to spread them over up to ${options.concurrency} sessions`
  );
}
