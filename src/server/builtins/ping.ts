import { isIPv6 } from 'node:net';
import { ErrorCode } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { failure } from '../shell/outcome.js';
import { runProcess } from '../shell/run-process.js';
import { badArguments } from './arguments.js';
import { parsePingArguments } from './ping-arguments.js';

export const ping: Command = {
  name: 'ping',
  usage: 'ping <host> [count]',
  summary: 'ping a host count times (1 to 20, default 4) with the system ping',
  async run(ctx) {
    const parsed = parsePingArguments(ctx.argv);
    if ('error' in parsed) return badArguments(parsed.error);
    const { host, count } = parsed;
    const windows = process.platform === 'win32';
    // macOS's ping speaks IPv4 only; its IPv6 twin is ping6. Everywhere else one ping does both.
    const file = process.platform === 'darwin' && isIPv6(host.split('%')[0] ?? '') ? 'ping6' : 'ping';
    // argv elements, never a shell: the host was validated, and is not parsed again by anything but ping.
    return runProcess({
      file,
      args: [windows ? '-n' : '-c', String(count), host],
      signal: ctx.signal,
      write: ctx.write,
      ifNotFound: () => failure(ErrorCode.SPAWN_FAILED, 'this server has no ping program (on Debian: apt-get install iputils-ping)'),
    });
  },
};
