/**
 * The page's one seam into the batch runner: uploads run with `tcpcmd run`'s
 * own runner, and transcripts (a tab's session or a batch) are written by its
 * writers, so a download replays with `tcpcmd run`.
 */
export { runBatch, FORMATS, type BatchSummary, type OutputFormat, type OutputRow, type ProgressReporter } from '../batch/index.js';
export { createSink, parseFormat, RowSink, fileSink, streamSink } from '../batch/writers/index.js';
export { jsonlFormat } from '../batch/writers/jsonl.js';
export { judgeRejection } from '../batch/expect.js';
export { answeredRow, rejectedRow } from '../batch/rows.js';
export { loadTargets, type BatchTarget } from '../batch/targets.js';
