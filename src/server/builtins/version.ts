import { PROTOCOL_VERSION, VERSION } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatKeyValues } from './format.js';

export const version: Command = {
  name: 'version',
  usage: 'version',
  summary: 'versions of the tcpcmd server, its protocol and Node.js',
  async run(ctx) {
    return rejectArguments(ctx) ?? print(ctx, formatKeyValues([
      ['tcpcmd', VERSION],
      ['protocol', String(PROTOCOL_VERSION)],
      ['node', process.version],
    ]), { kind: 'version', tcpcmd: VERSION, protocol: PROTOCOL_VERSION, node: process.version });
  },
};
