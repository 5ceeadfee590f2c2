import { readFile, statfs } from 'node:fs/promises';
import { posix } from 'node:path';
import { ErrorCode, percent } from '../../protocol/index.js';
import type { Command, RunContext } from '../command.js';
import { failure } from '../shell/outcome.js';
import { badArguments, print } from './arguments.js';

/** Mount points named in a refusal, at most. */
const NAMED_MOUNTS = 10;
import { formatBytes, formatKeyValues, formatShare } from './format.js';
import { RecentReadings } from './recent.js';

export const disk: Command = {
  name: 'disk',
  usage: 'disk [path]',
  summary: 'disk space of the file system holding path (default: the system disk)',
  async run(ctx) {
    // The whole argument is the path, so a path with spaces works.
    let path = ctx.args === '' ? systemRoot() : ctx.args;
    if (ctx.args !== '' && !mayRunShell(ctx)) {
      // Without a shell a client must not learn whether any path exists (statfs says so): only mount points are answered.
      const mounts = await mountPoints();
      const asked = process.platform === 'win32' ? path : posix.normalize(path).replace(/(.)\/+$/, '$1');
      if (!mounts.includes(asked)) {
        const named = mounts.length > NAMED_MOUNTS ? `${mounts.slice(0, NAMED_MOUNTS).join(', ')}, …` : mounts.join(', ');
        return failure(ErrorCode.FORBIDDEN, `forbidden: disk: this server runs no shell commands, so disk answers for mount points only, and "${path}" is not one (mount points: ${named})`);
      }
      path = asked;
    }
    let stats;
    try {
      stats = await fileSystems.get(path);
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

/** statfs of a path, shared by the calls close together (recent.ts). */
const fileSystems = new RecentReadings((path) => statfs(path));

/** Whether this client may run shell commands here (no --no-shell, and --allow offers a shell prefix). */
function mayRunShell(ctx: RunContext): boolean {
  return ctx.server.commands().some((c) => c.shell);
}

/**
 * The mount points of the file systems on devices (from /proc/self/mounts,
 * where `\040` is a space); where there is no such file, the system disk.
 */
async function mountPoints(): Promise<string[]> {
  let table: string;
  try {
    table = await readFile('/proc/self/mounts', 'utf8');
  } catch {
    return [systemRoot()];
  }
  const points = new Set<string>([systemRoot()]);
  for (const line of table.split('\n')) {
    const [source, point] = line.split(' ');
    if (source?.startsWith('/') && point) points.add(point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  }
  return [...points];
}

function systemRoot(): string {
  return process.platform === 'win32' ? `${process.env.SystemDrive ?? 'C:'}\\` : '/';
}
