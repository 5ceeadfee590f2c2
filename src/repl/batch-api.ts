/**
 * The REPL's one seam into the batch runner. The transcript format, its CSV
 * writer, the verdict of a run and servers.csv all belong to `src/batch/`; the
 * REPL reuses them so that `.save`/`--record` write exactly what `tcpcmd run`
 * writes. What every session needs is imported here; the runner (`.load`),
 * the CSV writer and reader (`--record`, `.save`, `--targets`) load with
 * `batchTools()` when first asked for: a piped session that uses none of them
 * does not load them (a third of the REPL's code).
 */
import type * as BatchTools from './batch-tools.js';

export type { BatchConnect, BatchConnection, BatchSummary } from '../batch/index.js';
export type { OutputRow } from '../batch/columns.js';
export type { BatchTarget } from '../batch/targets.js';
export { DEFAULT_WINDOW, WINDOW_CHARS } from '../batch/window.js';
export { targetLabel } from '../batch/target-label.js';
export { RowSink, fileSink, type ByteSink, type RowFormat } from '../batch/writers/row-sink.js';
export { judgeRejection } from '../batch/expect.js';
export { answeredRow, rejectedRow } from '../batch/rows.js';
export { formatDuration, formatSummary } from '../batch/summary.js';
export { colorWanted } from '../batch/progress.js';

/** The runner, the CSV writer and the servers.csv reader, loaded once when first needed. */
export function batchTools(): Promise<typeof BatchTools> {
  return import('./batch-tools.js');
}
