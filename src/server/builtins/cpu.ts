import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { percent } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { print, rejectArguments } from './arguments.js';
import { formatKeyValues } from './format.js';
import { cpuWindow } from './cpu-window.js';
import { recentValue } from './recent.js';

let model: string | undefined;

/** Logical cores and the load averages, shared by the calls close together (recent.ts). */
const coresAndLoad = recentValue(() => ({
  cores: availableParallelism(),
  load: process.platform === 'win32' ? undefined : loadavg().map((n) => Math.round(n * 100) / 100),
}));

export const cpu: Command = {
  name: 'cpu',
  usage: 'cpu',
  summary: 'processor: usage (since the last cpu call, 0.25 to 10 s back, else over 250 ms), model, cores, load average',
  async run(ctx) {
    const bad = rejectArguments(ctx);
    if (bad) return bad;
    let window;
    try {
      window = await cpuWindow.measure((ms) => sleep(ms, undefined, { signal: ctx.signal }));
    } catch {
      return { exitCode: null }; // Aborted: the session reports why.
    }
    // The model does not change while the server runs; os.cpus() reads /proc/cpuinfo each time.
    model ??= cpus()[0]?.model.trim() || 'unknown';
    const { cores, load } = coresAndLoad();
    const usagePercent = percent(window.busy, window.total);
    return print(ctx, formatKeyValues([
      ['usage', usagePercent === null ? 'n/a' : `${usagePercent.toFixed(1)}%`],
      ['model', model],
      ['cores', `${cores} logical`],
      ['load', load ? `${load.map((n) => n.toFixed(2)).join(', ')} (1, 5, 15 min)` : 'n/a'],
    ]), {
      kind: 'cpu', usagePercent, windowMs: window.ms, model, cores, load1: load?.[0] ?? null, load5: load?.[1] ?? null, load15: load?.[2] ?? null,
    });
  },
};
