import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';

export const reset: Command = {
  name: 'reset',
  usage: 'reset',
  summary: 'close every session and re-open the listener',
  admin: true,
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const outcome = await print(ctx, 'resetting: every session will be closed and the listener re-opened\n');
    ctx.server.reset();
    return outcome;
  },
};
