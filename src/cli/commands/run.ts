import type { Argv, CommandModule } from 'yargs';
import { VERSION, isTcpcmdError, ErrorCode } from '../../protocol/index.js';
import { connectOptionsFrom, withClientFlags, type ClientFlags, type FlagSpec } from '../client-options.js';
import { Exit } from '../exit-codes.js';
import { onInterrupt } from '../interrupts.js';

export interface RunArgs extends ClientFlags {
  file: string;
  target?: string;
  targets?: string;
  out?: string;
  format?: string;
  concurrency?: number;
  unordered?: boolean;
  timeout?: number;
  'fail-fast'?: boolean;
  resume?: string;
  shard?: string;
  'ignore-unknown-columns'?: boolean;
  progress?: boolean;
}

/** run's own flags (the client flags come on top); yargs and the fast path (fast-path.ts) both read them. */
export const RUN_FLAGS: Record<Exclude<keyof RunArgs, 'file' | keyof ClientFlags>, FlagSpec> = {
  target: { alias: 't', type: 'string', describe: 'host[:port] for rows without a target cell' },
  targets: { type: 'string', describe: 'servers.csv (host, port, name, token_env): every row runs on every server' },
  out: { alias: 'o', type: 'string', describe: 'Write results here (default: stdout); each row is flushed as its run ends' },
  format: { alias: 'f', type: 'string', choices: ['csv', 'jsonl', 'json', 'junit'], describe: 'Output format (default: from the --out extension, else csv)' },
  concurrency: { alias: 'c', type: 'number', describe: 'Sessions open at once (default 4)' },
  unordered: { type: 'boolean', describe: "Spread one target's rows over several sessions (file order per target is lost)" },
  timeout: { type: 'number', describe: 'Timeout in ms for rows without a timeout cell', unit: 'ms' },
  'fail-fast': { type: 'boolean', describe: 'Stop at the first failing row; the rest are written as skipped' },
  resume: { type: 'string', describe: 'Continue a killed batch in this results file (csv or jsonl); finished rows are not run again' },
  shard: { type: 'string', describe: 'Run share i of n (e.g. 2/4) of the rows, deterministically' },
  'ignore-unknown-columns': { type: 'boolean', describe: 'Ignore columns tcpcmd does not know instead of refusing the file' },
  progress: { type: 'boolean', describe: 'Force the progress line on or off (default: on when stderr is a terminal, unless the results go to the terminal too; off in CI)' },
};

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run a CSV of commands; write a transcript (CSV, JSONL, JSON, JUnit)',
  builder: (y: Argv) =>
    withClientFlags(y.positional('file', { type: 'string', demandOption: true, describe: 'The commands CSV, or - for stdin' }).options(RUN_FLAGS))
      // A flag given twice: the last one counts, as in the fast path (parseArgs).
      .parserConfiguration({ 'duplicate-arguments-array': false })
      .example('$0 run samples/commands.csv --target 127.0.0.1:10000 --out results.csv', 'Run a batch, transcript to results.csv')
      .example('$0 run smoke.csv --targets servers.csv --format junit --out junit.xml', 'A CI smoke test on every server')
      .example('$0 run results.csv --target 127.0.0.1:10000 --out again.csv', 'Replay a transcript')
      .example('$0 run big.csv --target host --out big-results.csv --resume big-results.csv', 'Continue a killed batch') as unknown as Argv<RunArgs>,
  handler: (args) => runRun(args),
};

/** Runs the batch and sets the exit code from its summary. */
export async function runRun(args: RunArgs): Promise<void> {
  const [{ runBatch }, { connect }] = await Promise.all([import('../../batch/index.js'), import('../../client/connect.js')]);
  const controller = new AbortController();
  const stopHandlers = onInterrupt(() => controller.abort()); // a second Ctrl+C means now
  try {
    const summary = await runBatch({
      // yargs reads a lone "-" as an empty option name and leaves "" here (yargs/yargs#1312).
      input: args.file === '' ? '-' : args.file,
      // runBatch treats an absent option and an undefined one alike.
      target: args.target,
      targets: args.targets,
      out: args.out,
      format: args.format,
      concurrency: args.concurrency,
      unordered: args.unordered,
      timeout: args.timeout,
      failFast: args['fail-fast'],
      resume: args.resume,
      shard: args.shard,
      ignoreUnknownColumns: args['ignore-unknown-columns'],
      progress: args.progress,
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
}
