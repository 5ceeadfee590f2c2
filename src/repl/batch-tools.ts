/** What the REPL takes from the batch runner only when asked for it (see batch-api.ts). */
export { runBatch } from '../batch/index.js';
export { csvFormat } from '../batch/writers/csv.js';
export { loadTargets } from '../batch/targets.js';
