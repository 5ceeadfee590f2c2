import type { Command } from '../command.js';
import { print } from './arguments.js';

export const echo: Command = {
  name: 'echo',
  usage: 'echo <text>',
  summary: 'print the text back',
  // Not async: print's answer as it is (at once when the output was taken), with no turn of the promise queue.
  run: (ctx) => print(ctx, `${ctx.args}\n`),
};
