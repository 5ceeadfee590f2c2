import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom } from '../client-options.js';
import { flag, positional } from '../flags.js';

export const connectCommand = defineCommand({
  name: 'connect',
  describe: 'Interactive REPL on a server (reads stdin when not on a terminal)',
  positionals: {
    // A name from --targets, or host[:port]: checked once the list is read (repl/target.ts).
    target: positional.string('host[:port] (port defaults to 10000), or a name from --targets; asked on a terminal when left out', { optional: true }),
  },
  flags: {
    ...CLIENT_FLAGS,
    targets: flag.file('servers.csv (host,port,name,token_env) to choose from'),
    record: flag.file('Write the session transcript to this CSV as you go (replay: tcpcmd run F)'),
    yes: flag.boolean('Send kill and reset without asking (without a terminal they are refused otherwise)', { alias: 'y', default: false }),
    timeout: flag.ms('Stop each command after this many ms'),
    'fail-fast': flag.boolean('Without a terminal: stop at the first command that fails (commands then go one at a time)'),
  },
  examples: [
    ['$0 connect 127.0.0.1:10000', 'Open a session; .help inside lists the REPL commands'],
    ['$0 connect --targets servers.csv', 'Choose the server from a list'],
    ["printf 'cpu\\nram\\n' | $0 connect localhost", 'Run commands from a script; exit 1 if one failed'],
    ['$0 connect localhost --record session.csv', 'Keep a transcript (replay it with tcpcmd run session.csv)'],
  ],
  run: async (args) => {
    const { startRepl } = await import('../../repl/index.js');
    const controller = new AbortController();
    // On a terminal Ctrl+C is a key the REPL reads; this is for SIGINT without one (or from kill).
    const onSigint = (): void => controller.abort();
    process.on('SIGINT', onSigint);
    try {
      const result = await startRepl({
        ...(args.target !== undefined ? { target: args.target } : {}),
        ...(args.targets !== undefined ? { targets: args.targets } : {}),
        ...(args.record !== undefined ? { record: args.record } : {}),
        ...(args.timeout !== undefined ? { timeout: args.timeout } : {}),
        yes: args.yes,
        ...(args['fail-fast'] ? { failFast: true } : {}),
        connectOptions: connectOptionsFrom(args),
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY),
        signal: controller.signal,
      });
      process.exitCode = result.exitCode;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
});
