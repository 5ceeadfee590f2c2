import type { Command } from '../command.js';
import { print } from './arguments.js';

export const echo: Command = {
  name: 'echo',
  usage: 'echo <text>',
  summary: 'print the text back',
  async run(ctx) {
    return print(ctx, `${ctx.args}\n`);
  },
};
