import { ErrorCode, TcpcmdError } from '../../protocol/index.js';
import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom } from '../client-options.js';
import { Exit } from '../exit-codes.js';
import { flag, positional } from '../flags.js';
import { onInterrupt } from '../interrupts.js';

export const waitCommand = defineCommand({
  name: 'wait',
  describe: 'Wait until tcpcmd servers answer (for scripts and CI)',
  positionals: {
    target: positional.targets('host[:port] of the server, or several joined by commas', { optional: true }),
  },
  flags: {
    ...CLIENT_FLAGS,
    targets: flag.file('servers.csv (host, port, name, token_env): wait for every server in it'),
    any: flag.boolean('Done when one server answers, not all', { default: false }),
    timeout: flag.ms('Give up after this many ms', { default: 30_000 }),
    quiet: flag.boolean('Print nothing on success', { alias: 'q', default: false }),
  },
  examples: [
    ['$0 wait 127.0.0.1:10000 --timeout 10000 && $0 run smoke.csv --target 127.0.0.1:10000', 'Start CI checks once the server is up'],
    ['$0 wait --targets servers.csv --timeout 60000', 'Wait for a whole fleet; name the servers still missing'],
  ],
  run: async (args) => {
    const [{ waitForAll }, targets] = await Promise.all([import('../../fleet/wait-all.js'), import('../../batch/targets.js')]);
    const list = [
      ...(args.targets !== undefined ? await targets.loadTargets(args.targets) : []),
      ...(args.target !== undefined ? targets.parseTargetList(args.target) : []),
    ];
    if (list.length === 0) throw new TcpcmdError(ErrorCode.USAGE, 'name the servers to wait for: host[:port][,host[:port]...] or --targets servers.csv');
    const controller = new AbortController();
    const stopHandlers = onInterrupt(() => controller.abort());
    try {
      const result = await waitForAll(list, {
        timeoutMs: args.timeout,
        any: args.any,
        connectOptions: connectOptionsFrom(args),
        signal: controller.signal,
        onUp: (t, info) => {
          if (!args.quiet) process.stderr.write(`${targets.targetLabel(t)} is up: ${info.server} on ${info.hostname} (after ${info.tries} ${info.tries === 1 ? 'try' : 'tries'})\n`);
        },
      });
      if (controller.signal.aborted) {
        process.exitCode = Exit.INTERRUPTED;
        return;
      }
      if (result.missing.length === 0) return;
      const lines = result.missing.map((m) => targets.targetError(m.target, m.error.code, m.error.message));
      if (list.length === 1) process.stderr.write(`tcpcmd wait: ${lines[0]}\n`);
      else process.stderr.write(`tcpcmd wait: ${result.missing.length} of ${list.length} servers did not come up:\n${lines.map((l) => `  ${l}\n`).join('')}`);
      process.exitCode = Exit.CONNECT;
    } finally {
      stopHandlers();
    }
  },
});
