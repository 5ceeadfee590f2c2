import { readFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { percent } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatBytes, formatKeyValues, formatShare } from './format.js';
import { RecentReading } from './recent.js';

export const ram: Command = {
  name: 'ram',
  usage: 'ram',
  summary: 'memory: total, used, free and available',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const { total, free, available } = await memInfo.get();
    return print(ctx, formatKeyValues([
      ['total', formatBytes(total)],
      ['used', formatShare(total - available, total)],
      ['free', formatShare(free, total)],
      ['available', formatShare(available, total)],
    ]), { kind: 'ram', totalBytes: total, usedBytes: total - available, freeBytes: free, availableBytes: available, usagePercent: percent(total - available, total) });
  },
};

/**
 * Total, free (unused) and available (free + reclaimable cache) memory. Linux tells
 * them apart in /proc/meminfo; elsewhere os.freemem() is the best there is.
 * Calls close together share one reading (recent.ts).
 */
const memInfo = new RecentReading(readMemInfo);

const MEM_TOTAL = /^MemTotal:\s+(\d+) kB$/m;
const MEM_FREE = /^MemFree:\s+(\d+) kB$/m;
const MEM_AVAILABLE = /^MemAvailable:\s+(\d+) kB$/m;

async function readMemInfo(): Promise<{ total: number; free: number; available: number }> {
  let text: string;
  try {
    text = await readFile('/proc/meminfo', 'utf8');
  } catch {
    // Not Linux: os.freemem() is the best there is. (On Linux these two are each a read of /proc/meminfo, so they are not asked there.)
    const free = freemem();
    return { total: totalmem(), free, available: free };
  }
  const kib = (key: RegExp): number | undefined => {
    const value = key.exec(text)?.[1];
    return value === undefined ? undefined : Number(value) * 1024;
  };
  const free = kib(MEM_FREE) ?? freemem();
  return { total: kib(MEM_TOTAL) ?? totalmem(), free, available: kib(MEM_AVAILABLE) ?? free };
}
