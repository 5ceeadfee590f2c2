/** Many servers at once: one command on all of them (fan-out), their output tagged or grouped, the end summary. */
export { fanOut, succeeded, type FanOutOptions, type FanOutOutcome } from './fan-out.js';
export { TaggedLines, type LineSink } from './tagged-lines.js';
export { BatchedOutput } from './batched-output.js';
export { OutputGroups, compressNames, formatGroup, type OutputGroup } from './output-groups.js';
export { summarizeFanOut, failureLine, outcomeJson, type FanOutSummary } from './summary.js';
export { waitForAll, type WaitAllOptions, type WaitAllResult } from './wait-all.js';
