import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatKeyValues, formatPercent } from './format.js';

/** Long enough for the kernel's tick counters to move, short enough to feel instant. */
const SAMPLE_MS = 250;

export const cpu: Command = {
  name: 'cpu',
  usage: 'cpu',
  summary: `processor: usage (sampled over ${SAMPLE_MS} ms), model, cores, load average`,
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    const before = cpuTimes();
    try {
      await sleep(SAMPLE_MS, undefined, { signal: ctx.signal });
    } catch {
      return { exitCode: null }; // Aborted: the session reports why.
    }
    const after = cpuTimes();
    const total = after.total - before.total;
    const busy = total - (after.idle - before.idle);
    const model = cpus()[0]?.model.trim() || 'unknown';
    const load = process.platform === 'win32' ? 'n/a' : `${loadavg().map((n) => n.toFixed(2)).join(', ')} (1, 5, 15 min)`;
    return print(ctx, formatKeyValues([
      ['usage', formatPercent(busy, total)],
      ['model', model],
      ['cores', `${availableParallelism()} logical`],
      ['load', load],
    ]));
  },
};

/** Milliseconds every core spent idle and in total since boot. */
function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}
