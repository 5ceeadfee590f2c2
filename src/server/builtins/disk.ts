import { statfs } from 'node:fs/promises';
import { percent } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { badArguments, print } from './arguments.js';
import { formatBytes, formatKeyValues, formatShare } from './format.js';

export const disk: Command = {
  name: 'disk',
  usage: 'disk [path]',
  summary: 'disk space of the file system holding path (default: the system disk)',
  async run(ctx) {
    // The whole argument is the path, so a path with spaces works.
    const path = ctx.args === '' ? systemRoot() : ctx.args;
    let stats;
    try {
      stats = await statfs(path);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : message;
      return badArguments(`disk: cannot read the file system of "${path}": ${why}; expected an existing path on the server, e.g. disk ${systemRoot()}`);
    }
    const total = stats.blocks * stats.bsize;
    const free = stats.bfree * stats.bsize;
    const available = stats.bavail * stats.bsize;
    return print(ctx, formatKeyValues([
      ['path', path],
      ['total', formatBytes(total)],
      ['used', formatShare(total - free, total)],
      ['free', formatShare(free, total)],
      // What an ordinary user may still write: free minus the blocks reserved for root.
      ['available', formatShare(available, total)],
    ]), { kind: 'disk', path, totalBytes: total, usedBytes: total - free, freeBytes: free, availableBytes: available, usagePercent: percent(total - free, total) });
  },
};

function systemRoot(): string {
  return process.platform === 'win32' ? `${process.env.SystemDrive ?? 'C:'}\\` : '/';
}
