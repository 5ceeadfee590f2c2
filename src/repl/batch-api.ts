/**
 * The REPL's one seam into the batch runner. The transcript format, its CSV
 * writer, the verdict of a run and servers.csv all belong to `src/batch/`; the
 * REPL reuses them so that `.save`/`--record` write exactly what `tcpcmd run`
 * writes.
 */
export { DEFAULT_WINDOW, runBatch, formatSummary, type BatchConnect, type BatchConnection, type BatchSummary, type OutputRow } from '../batch/index.js';
export { csvFormat } from '../batch/writers/csv.js';
export { RowSink, fileSink, type RowFormat } from '../batch/writers/row-sink.js';
export { judgeRejection } from '../batch/expect.js';
export { answeredRow, rejectedRow } from '../batch/rows.js';
export { loadTargets, targetLabel, type BatchTarget } from '../batch/targets.js';
export { formatDuration } from '../batch/summary.js';
export { colorWanted } from '../batch/progress.js';
export { WINDOW_CHARS } from '../batch/runner.js';
