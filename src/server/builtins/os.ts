import { readFile } from 'node:fs/promises';
import { arch, hostname, platform, release, type } from 'node:os';
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
    const rows: Array<[string, string]> = [['type', type()], ['platform', platform()], ['release', release()], ['arch', arch()]];
    const distro = await prettyName();
    if (distro !== undefined) rows.push(['distro', distro]);
    rows.push(['hostname', hostname()]);
    return print(ctx, formatKeyValues(rows));
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
