import type { Command } from '../command.js';
import { print, rejectUnlessVersionFlag } from './arguments.js';

export const node: Command = {
  name: 'node',
  usage: 'node [--version]',
  summary: 'the Node.js version the server runs on',
  async run(ctx) {
    return rejectUnlessVersionFlag(ctx) ?? print(ctx, `${process.version}\n`);
  },
};
