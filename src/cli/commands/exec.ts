import { constants as osConstants } from 'node:os';
import { OutputBackpressure } from '../../client/output-backpressure.js';
import { Feature, TcpcmdError } from '../../protocol/index.js';
import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom } from '../client-options.js';
import { describeError, Exit } from '../exit-codes.js';
import { flag, positional, type ArgsOf } from '../flags.js';
import { onInterrupt } from '../interrupts.js';

/** The commands that answer with data as well as text. */
const DATA_COMMANDS = 'os, cpu, ram, disk, ip, uptime, hostname or version';

const EXEC_FLAGS = {
  ...CLIENT_FLAGS,
  timeout: flag.ms('Stop the command after this many ms'),
  json: flag.boolean(`Print the figures of ${DATA_COMMANDS} as JSON (docs/protocol.md), in place of the text; on several servers one line per server`),
  stdin: flag.boolean('Send our stdin to the command even when it is a terminal (a pipe or a file is sent unless --no-stdin)'),
  // -n as in ssh; a flag of its own, since an alias would set --stdin, not clear it.
  n: flag.boolean('Send no stdin, as ssh -n: the same as --no-stdin'),
  targets: flag.file('servers.csv (host, port, name, token_env): run on every server at once, each output line tagged with its name; no <target> then'),
  group: flag.boolean('With several servers: print each distinct output once, with the servers that gave it (like dshbak -c)'),
  concurrency: flag.int('With several servers: sessions open at once (default 1,000)', { alias: 'c', min: 1, max: 10_000 }),
};
const EXEC_POSITIONALS = {
  target: positional.targets('host[:port] of the server (port defaults to 10000), or several joined by commas', { absentWith: 'targets' }),
  // As in ssh, options come before the command: from its first word on, everything is the remote command.
  command: positional.rest('The command: every word after the target, options included; words are joined with spaces'),
};

export type ExecArgs = ArgsOf<typeof EXEC_FLAGS, typeof EXEC_POSITIONALS>;

export const execCommand = defineCommand({
  name: 'exec',
  describe: 'Run one command and exit with its exit code, like ssh; or on many servers at once, like pdsh',
  flags: EXEC_FLAGS,
  positionals: EXEC_POSITIONALS,
  examples: [
    ['$0 exec 127.0.0.1:10000 hostname', 'Print the server host name'],
    ["$0 exec localhost 'linux:ls -l /tmp'", 'Run a shell command; its exit code is ours'],
    ['$0 exec --timeout 5000 localhost:10000 ping 127.0.0.1', 'Stop after 5 s (options go before the command)'],
    ['$0 exec --json localhost cpu', 'The CPU figures as JSON: usagePercent, load1, ...'],
    ["tar c dir | $0 exec host 'linux:tar x -C /tmp'", 'Stdin goes to the command, byte for byte'],
    ["$0 exec host 'linux:cat /bin/ls' > ls.copy", 'Output comes back byte for byte'],
    ['$0 exec --targets servers.csv uptime', 'On every server at once: web-1 | ...'],
    ['$0 exec --targets servers.csv --group os', 'Each distinct answer once, with the servers that gave it'],
  ],
  run: (args) => runExec(args),
});

/** Runs the remote command, streams its output, and sets our exit code to its own. */
export async function runExec(args: ExecArgs): Promise<void> {
  if (args.target === undefined || args.target.includes(',') || args.group) return (await import('./exec-many.js')).runExecMany(args);
  const { connect } = await import('../../client/connect.js');
  const connection = await connect(args.target, connectOptionsFrom(args));
  const stdin = stdinToSend(args, connection.info.features.includes(Feature.STDIN));
  const controller = new AbortController();
  const stopHandlers = onInterrupt(() => controller.abort());
  const output = new OutputBackpressure(() => connection.pause(), () => connection.resume());
  let readerGone = false;
  // `tcpcmd exec host 'linux:yes' | head -1`: the reader left, so stop the command, quietly.
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') throw err;
    readerGone = true;
    output.forget(process.stdout); // its drain will never come: read on, to get the answer
    controller.abort();
  };
  process.stdout.on('error', onStdoutError);
  try {
    const result = await connection.run(args.command.join(' '), {
      ...(args.timeout !== undefined ? { timeout: args.timeout } : {}),
      signal: controller.signal,
      collect: false,
      ...(stdin ? { stdin } : {}),
      onBytes: (stream, data) => {
        if ((readerGone || args.json) && stream === 'stdout') return;
        output.write(stream === 'stdout' ? process.stdout : process.stderr, data);
      },
    });
    if (readerGone) {
      process.exitCode = Exit.BROKEN_PIPE;
    } else if (result.cancelled) {
      process.exitCode = Exit.INTERRUPTED;
    } else if (result.signal !== undefined && !result.error) {
      // As a shell reports it: one line, and 128 + the signal's number.
      process.stderr.write(`tcpcmd exec: killed by ${result.signal}\n`);
      const number = (osConstants.signals as Record<string, number | undefined>)[result.signal];
      process.exitCode = number === undefined ? Exit.EXEC_FAILURE : 128 + number;
    } else if (result.error) {
      process.stderr.write(`${describeError(TcpcmdError.from(result.error), 'exec')}\n`);
      // A run that did not finish is never a success, whatever exit code came with it.
      process.exitCode = result.exitCode || Exit.EXEC_FAILURE;
    } else if (args.json && result.data === undefined) {
      const why = connection.info.features.includes(Feature.DATA)
        ? `"${result.command}" answers with text only; --json takes ${DATA_COMMANDS}`
        : `${connection.info.address} (${connection.info.server}) sends no data: it is older than this client; upgrade it`;
      process.stderr.write(`tcpcmd exec: ${why}\n`);
      process.exitCode = Exit.EXEC_FAILURE;
    } else {
      if (args.json) process.stdout.write(`${JSON.stringify(result.data, null, process.stdout.isTTY ? 2 : undefined)}\n`);
      process.exitCode = result.exitCode ?? Exit.EXEC_FAILURE;
    }
  } finally {
    stopHandlers();
    process.stdout.removeListener('error', onStdoutError);
    await connection.close();
  }
}

/**
 * Our stdin, when it is to be sent: as ssh, a pipe or a file is sent unless
 * --no-stdin (-n); a terminal only with --stdin (a person typing at exec's
 * prompt would not expect the command to wait for them). An older server
 * cannot take stdin: then it is sent only when asked for, and that fails.
 */
function stdinToSend(args: ExecArgs, serverTakesStdin: boolean): NodeJS.ReadStream | undefined {
  if (args.n === true || args.stdin === false) return undefined;
  if (args.stdin !== true && (process.stdin.isTTY || !serverTakesStdin)) return undefined;
  return process.stdin;
}
