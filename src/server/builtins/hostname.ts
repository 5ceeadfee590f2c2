import { hostname as osHostname } from 'node:os';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { recentValue } from './recent.js';

/** Calls close together share one look-up (recent.ts). */
const sharedHostname = recentValue(osHostname);

export const hostname: Command = {
  name: 'hostname',
  aliases: ['name'],
  usage: 'hostname',
  summary: "the server's host name",
  async run(ctx) {
    const name = sharedHostname();
    return rejectArguments(ctx) ?? print(ctx, `${name}\n`, { kind: 'hostname', hostname: name });
  },
};
