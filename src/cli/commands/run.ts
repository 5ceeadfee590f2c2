import { VERSION, isTcpcmdError, ErrorCode } from '../../protocol/index.js';
import type { BatchOptions } from '../../batch/index.js';
import { parseShard, type Shard } from '../../batch/shard.js';
import { FORMATS } from '../../batch/writers/formats.js';
import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom } from '../client-options.js';
import { Exit } from '../exit-codes.js';
import { FlagProblem, flag, positional, type ArgsOf } from '../flags.js';
import { onInterrupt } from '../interrupts.js';

function readShard(text: string): Shard {
  try {
    return parseShard(text);
  } catch {
    throw new FlagProblem('i/n with 1 <= i <= n (e.g. 2/4)');
  }
}

/**
 * The flags that are the batch's options: each is passed to runBatch as it
 * was read, under its name camel-cased (`--fail-fast` is `failFast`), so a
 * new one is one line here and a field of BatchOptions; the compiler checks
 * that the two agree.
 */
const BATCH_FLAGS = {
  target: flag.target('host[:port] for rows without a target cell', { alias: 't' }),
  targets: flag.file('servers.csv (host, port, name, token_env): every row runs on every server'),
  out: flag.file('Write results here (default: stdout); each row is flushed as its run ends', { alias: 'o' }),
  format: flag.choice('Output format (default: from the --out extension, else csv)', FORMATS, { alias: 'f' }),
  concurrency: flag.int('Sessions open at once (default 4)', { alias: 'c', min: 1, max: 1024 }),
  unordered: flag.boolean("Spread one target's rows over several sessions (file order per target is lost)"),
  timeout: flag.ms('Timeout in ms for rows without a timeout cell'),
  'fail-fast': flag.boolean('Stop at the first failing row; the rest are written as skipped'),
  resume: flag.file('Continue a killed batch in this results file (csv or jsonl); finished rows are not run again'),
  shard: flag.custom('Run share i of n (e.g. 2/4) of the rows, deterministically', { hint: 'i/n', example: '2/4' }, readShard),
  'ignore-unknown-columns': flag.boolean('Ignore columns tcpcmd does not know instead of refusing the file'),
  progress: flag.boolean('Force the progress line on or off (default: on when stderr is a terminal, unless the results go to the terminal too; off in CI)'),
};
const RUN_FLAGS = { ...CLIENT_FLAGS, ...BATCH_FLAGS };

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type BatchFlagOptions = { [K in keyof ArgsOf<typeof BATCH_FLAGS> as K extends string ? Camel<K> : never]: ArgsOf<typeof BATCH_FLAGS>[K] };

/** The batch's flags as runBatch's options (Pick fails to compile if a flag names no option). */
function batchOptionsFrom(args: RunArgs): Pick<BatchOptions, keyof BatchFlagOptions> {
  const camel = (name: string): string => name.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
  // Object.fromEntries loses the key types; BatchFlagOptions says what the names become.
  return Object.fromEntries(Object.keys(BATCH_FLAGS).map((name) => [camel(name), args[name as keyof typeof BATCH_FLAGS]])) as BatchFlagOptions;
}
const RUN_POSITIONALS = {
  file: positional.string('The commands CSV, or - for stdin'),
};

export type RunArgs = ArgsOf<typeof RUN_FLAGS, typeof RUN_POSITIONALS>;

export const runCommand = defineCommand({
  name: 'run',
  describe: 'Run a CSV of commands; write a transcript (CSV, JSONL, JSON, JUnit)',
  flags: RUN_FLAGS,
  positionals: RUN_POSITIONALS,
  examples: [
    ['$0 run samples/commands.csv --target 127.0.0.1:10000 --out results.csv', 'Run a batch, transcript to results.csv'],
    ['$0 run smoke.csv --targets servers.csv --format junit --out junit.xml', 'A CI smoke test on every server'],
    ['$0 run results.csv --target 127.0.0.1:10000 --out again.csv', 'Replay a transcript'],
    ['$0 run big.csv --target host --out big-results.csv --resume big-results.csv', 'Continue a killed batch'],
  ],
  run: (args) => runRun(args),
});

/** Runs the batch and sets the exit code from its summary. */
export async function runRun(args: RunArgs): Promise<void> {
  const [{ runBatch }, { connect }] = await Promise.all([import('../../batch/index.js'), import('../../client/connect.js')]);
  const controller = new AbortController();
  const stopHandlers = onInterrupt(() => controller.abort()); // a second Ctrl+C means now
  try {
    const summary = await runBatch({
      input: args.file,
      ...batchOptionsFrom(args),
      connect,
      connectOptions: { ...connectOptionsFrom(args), clientName: `tcpcmd-run/${VERSION}` },
      signal: controller.signal,
    });
    process.exitCode = summary.exitCode;
  } catch (err) {
    // Input problems are several `file:line: message` lines: print them as they are.
    if (isTcpcmdError(err) && err.code === ErrorCode.BAD_INPUT) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = Exit.USAGE;
      return;
    }
    throw err;
  } finally {
    stopHandlers();
  }
  await exitNow();
}

/**
 * Ends the process as soon as the batch is done and everything is written:
 * Node's own teardown at a natural exit (the environment, then the heap a
 * large batch leaves behind) cost about 80 ms of CPU after a batch of 20,000
 * rows (docs/benchmarks.md). Connections, the results file and the
 * progress line are all closed by then; stdout and stderr are given what
 * they still hold (writes to a pipe or terminal are synchronous on Linux,
 * not everywhere).
 */
async function exitNow(): Promise<void> {
  const held = [process.stdout, process.stderr].filter((s) => s.writableLength > 0 && !s.destroyed);
  // An empty write's callback comes once everything written before it is out ('drain' only follows a full buffer).
  await Promise.all(held.map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
  process.exit();
}
