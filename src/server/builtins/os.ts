import { readFile } from 'node:fs/promises';
import { arch, hostname, platform, release, type } from 'node:os';
import type { OsData } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatKeyValues } from './format.js';

export const osCommand: Command = {
  name: 'os',
  usage: 'os',
  summary: 'operating system: type, platform, release, architecture, distribution, host name',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const data: OsData = { kind: 'os', type: type(), platform: platform(), release: release(), arch: arch(), distro: (await prettyName()) ?? null, hostname: hostname() };
    const rows: Array<[string, string]> = [['type', data.type], ['platform', data.platform], ['release', data.release], ['arch', data.arch]];
    if (data.distro !== null) rows.push(['distro', data.distro]);
    rows.push(['hostname', data.hostname]);
    return print(ctx, formatKeyValues(rows), data);
  },
};

/** PRETTY_NAME from /etc/os-release (Linux and the BSDs), if there is one. */
async function prettyName(): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile('/etc/os-release', 'utf8');
  } catch {
    return undefined; // Not Linux, or a minimal system: the other lines say enough.
  }
  const line = /^PRETTY_NAME=(.*)$/m.exec(text)?.[1]?.trim();
  if (!line) return undefined;
  return line.replace(/^(["'])(.*)\1$/, '$2');
}
