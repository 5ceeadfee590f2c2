import { formatAddress } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatKeyValues } from './format.js';

export const info: Command = {
  name: 'info',
  usage: 'info',
  summary: 'this connection: session id, server and client addresses, TLS',
  async run(ctx) {
    const { session } = ctx;
    return rejectArguments(ctx) ?? print(ctx, formatKeyValues([
      ['session', session.id],
      ['server', formatAddress({ host: session.localAddress, port: session.localPort })],
      ['client', formatAddress({ host: session.remoteAddress, port: session.remotePort })],
      ['tls', session.tls ? 'on' : 'off'],
    ]));
  },
};
