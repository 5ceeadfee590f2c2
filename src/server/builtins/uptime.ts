import { uptime as systemUptime } from 'node:os';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatDuration, formatKeyValues } from './format.js';

export const uptime: Command = {
  name: 'uptime',
  usage: 'uptime',
  summary: 'how long the system and the tcpcmd server have been running',
  async run(ctx) {
    return rejectArguments(ctx) ?? print(ctx, formatKeyValues([
      ['system', formatDuration(systemUptime())],
      ['server', formatDuration(process.uptime())],
    ]));
  },
};
