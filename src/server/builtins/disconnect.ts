import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';

export const disconnect: Command = {
  name: 'disconnect',
  aliases: ['exit', 'quit'],
  usage: 'disconnect',
  summary: 'close this connection',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const outcome = await print(ctx, 'bye: closing this connection\n');
    ctx.server.disconnect();
    return outcome;
  },
};
