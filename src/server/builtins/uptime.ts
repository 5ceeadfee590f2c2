import { uptime as systemUptime } from 'node:os';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatUptime, formatKeyValues } from './format.js';

export const uptime: Command = {
  name: 'uptime',
  usage: 'uptime',
  summary: 'how long the system and the tcpcmd server have been running',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const systemSeconds = Math.floor(systemUptime());
    const serverSeconds = Math.floor(process.uptime());
    return print(ctx, formatKeyValues([
      ['system', formatUptime(systemSeconds)],
      ['server', formatUptime(serverSeconds)],
    ]), { kind: 'uptime', systemSeconds, serverSeconds });
  },
};
