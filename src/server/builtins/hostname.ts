import { hostname as osHostname } from 'node:os';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';

export const hostname: Command = {
  name: 'hostname',
  aliases: ['name'],
  usage: 'hostname',
  summary: "the server's host name",
  async run(ctx) {
    return rejectArguments(ctx) ?? print(ctx, `${osHostname()}\n`);
  },
};
