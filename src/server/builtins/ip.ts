import { networkInterfaces } from 'node:os';
import type { IpData } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatColumns } from './format.js';

export const ip: Command = {
  name: 'ip',
  usage: 'ip',
  summary: 'IP addresses of every network interface',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const rows: string[][] = [];
    const data: IpData = { kind: 'ip', addresses: [] };
    for (const [name, addresses] of Object.entries(networkInterfaces())) {
      (addresses ?? []).forEach((a, i) => {
        // The interface name once, on its first address: the rows below belong to it.
        rows.push([i === 0 ? name : '', a.family, a.cidr ?? a.address, a.internal ? 'internal' : '']);
        data.addresses.push({ name, family: a.family, address: a.address, cidr: a.cidr, internal: a.internal });
      });
    }
    return print(ctx, rows.length > 0 ? formatColumns(rows) : 'no network interfaces with an address\n', data);
  },
};
