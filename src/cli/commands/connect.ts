import type { Argv, CommandModule } from 'yargs';
import { positiveMs } from '../../protocol/index.js';
import { connectOptionsFrom, withClientFlags, type ClientFlags } from '../client-options.js';

interface ConnectArgs extends ClientFlags {
  target?: string;
  targets?: string;
  record?: string;
  yes: boolean;
  timeout?: number;
}

export const connectCommand: CommandModule<object, ConnectArgs> = {
  command: 'connect [target]',
  describe: 'Interactive REPL on a server (reads stdin when not on a terminal)',
  builder: (y: Argv) =>
    withClientFlags(
      y
        .positional('target', { type: 'string', describe: 'host[:port] (port defaults to 10000), or a name from --targets; asked on a terminal when left out' })
        .option('targets', { type: 'string', describe: 'servers.csv (host,port,name,token_env) to choose from' })
        .option('record', { type: 'string', describe: 'Write the session transcript to this CSV as you go (replay: tcpcmd run F)' })
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Send kill and reset without asking (without a terminal they are refused otherwise)' })
        .option('timeout', { type: 'number', describe: 'Stop each command after this many ms' }),
    )
      .example('$0 connect 127.0.0.1:10000', 'Open a session; .help inside lists the REPL commands')
      .example('$0 connect --targets servers.csv', 'Choose the server from a list')
      .example("printf 'cpu\\nram\\n' | $0 connect localhost", 'Run commands from a script; exit 1 if one failed')
      .example('$0 connect localhost --record session.csv', 'Keep a transcript (replay it with tcpcmd run session.csv)') as unknown as Argv<ConnectArgs>,
  handler: async (args) => {
    const { startRepl } = await import('../../repl/index.js');
    const timeout = args.timeout === undefined ? undefined : positiveMs(args.timeout, '--timeout');
    const controller = new AbortController();
    // On a terminal Ctrl+C is a key the REPL reads; this is for SIGINT without one (or from kill).
    const onSigint = (): void => controller.abort();
    process.on('SIGINT', onSigint);
    try {
      const result = await startRepl({
        ...(args.target !== undefined ? { target: args.target } : {}),
        ...(args.targets !== undefined ? { targets: args.targets } : {}),
        ...(args.record !== undefined ? { record: args.record } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        yes: args.yes,
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
};
