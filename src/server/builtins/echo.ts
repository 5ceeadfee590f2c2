import type { Command } from '../command.js';
import { print } from './arguments.js';

export const echo: Command = {
  name: 'echo',
  usage: 'echo <text>',
  summary: 'print the text back',
  // Not async: print's promise is the answer, without the two turns an async function takes to adopt it.
  run: (ctx) => print(ctx, `${ctx.args}\n`),
};
