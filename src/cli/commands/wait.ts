import { formatAddress, parseAddress } from '../../protocol/index.js';
import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom } from '../client-options.js';
import { flag, positional } from '../flags.js';

export const waitCommand = defineCommand({
  name: 'wait',
  describe: 'Wait until a tcpcmd server answers (for scripts and CI)',
  positionals: {
    target: positional.target('host[:port] of the server'),
  },
  flags: {
    ...CLIENT_FLAGS,
    timeout: flag.ms('Give up after this many ms', { default: 30_000 }),
    quiet: flag.boolean('Print nothing on success', { alias: 'q', default: false }),
  },
  examples: [['$0 wait 127.0.0.1:10000 --timeout 10000 && $0 run smoke.csv --target 127.0.0.1:10000', 'Start CI checks once the server is up']],
  run: async (args) => {
    const { waitForServer } = await import('../../client/wait.js');
    const address = parseAddress(args.target);
    const info = await waitForServer(address, { ...connectOptionsFrom(args), timeoutMs: args.timeout });
    if (!args.quiet) process.stderr.write(`${formatAddress(address)} is up: ${info.server} on ${info.hostname} (after ${info.tries} ${info.tries === 1 ? 'try' : 'tries'})\n`);
  },
});
