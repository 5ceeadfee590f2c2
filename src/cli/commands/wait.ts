import type { Argv, CommandModule } from 'yargs';
import { formatAddress, parseAddress, positiveMs } from '../../protocol/index.js';
import { connectOptionsFrom, withClientFlags, type ClientFlags } from '../client-options.js';

interface WaitArgs extends ClientFlags {
  target: string;
  timeout: number;
  quiet: boolean;
}

export const waitCommand: CommandModule<object, WaitArgs> = {
  command: 'wait <target>',
  describe: 'Wait until a tcpcmd server answers (for scripts and CI)',
  builder: (y: Argv) =>
    withClientFlags(
      y
        .positional('target', { type: 'string', demandOption: true, describe: 'host[:port] of the server' })
        .option('timeout', { type: 'number', default: 30_000, describe: 'Give up after this many ms' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print nothing on success' }),
    )
      .example('$0 wait 127.0.0.1:10000 --timeout 10000 && $0 run smoke.csv --target 127.0.0.1:10000', 'Start CI checks once the server is up') as unknown as Argv<WaitArgs>,
  handler: async (args) => {
    const { waitForServer } = await import('../../client/wait.js');
    const timeoutMs = positiveMs(args.timeout, '--timeout');
    const address = parseAddress(args.target);
    const info = await waitForServer(address, { ...connectOptionsFrom(args), timeoutMs });
    if (!args.quiet) process.stderr.write(`${formatAddress(address)} is up: ${info.server} on ${info.hostname} (after ${info.tries} ${info.tries === 1 ? 'try' : 'tries'})\n`);
  },
};
