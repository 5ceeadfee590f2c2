import { uptime as systemUptime } from 'node:os';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatUptime, formatKeyValues } from './format.js';
import { recentValue } from './recent.js';

/** os.uptime() reads /proc/uptime: calls close together share it (recent.ts). */
const sharedUptime = recentValue(systemUptime);

export const uptime: Command = {
  name: 'uptime',
  usage: 'uptime',
  summary: 'how long the system and the tcpcmd server have been running',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const systemSeconds = Math.floor(sharedUptime());
    const serverSeconds = Math.floor(process.uptime());
    return print(ctx, formatKeyValues([
      ['system', formatUptime(systemSeconds)],
      ['server', formatUptime(serverSeconds)],
    ]), { kind: 'uptime', systemSeconds, serverSeconds });
  },
};
