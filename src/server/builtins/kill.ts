import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';

export const kill: Command = {
  name: 'kill',
  usage: 'kill',
  summary: 'stop the server gracefully',
  admin: true,
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const outcome = await print(ctx, 'stopping the server\n');
    ctx.server.kill();
    return outcome;
  },
};
