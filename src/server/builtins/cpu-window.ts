import { cpus } from 'node:os';
import { SHARED_READING_MS } from './recent.js';

/** Shortest window CPU usage is measured over: long enough for the kernel's tick counters to move. */
export const MIN_WINDOW_MS = 250;
/** Longest: an earlier call further back says little about now. */
export const MAX_WINDOW_MS = 10_000;

interface Sample {
  at: number;
  /** Milliseconds every core spent idle, and in total, since boot. */
  idle: number;
  total: number;
}

export interface Window {
  ms: number;
  busy: number;
  total: number;
}

/** Milliseconds every core spent idle and in total since boot. */
function sampleNow(now: number): Sample {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { at: now, idle, total };
}

function usage(base: Sample, current: Sample): Window {
  return { ms: Math.round(current.at - base.at), busy: current.total - base.total - (current.idle - base.idle), total: current.total - base.total };
}

/**
 * CPU usage needs two samples of the cores' time counters. A monitor asks
 * every second or two, so a `cpu` call measures from the newest sample kept
 * by an earlier call (of any session) that is at least MIN_WINDOW_MS old:
 * `tcpcmd top` at a 2 s interval sees the usage of the last 2 s, and answers
 * at once. Only when there is none (the first call, or none for
 * MAX_WINDOW_MS) does a call wait MIN_WINDOW_MS for its own second sample.
 * Samples are kept at least MIN_WINDOW_MS apart, so there are at most
 * MAX_WINDOW_MS / MIN_WINDOW_MS of them. Calls within SHARED_READING_MS of a
 * sample share it (reading the counters is a read of /proc/stat and
 * /proc/cpuinfo).
 */
export class CpuWindow {
  private samples: Sample[] = [];
  /** The last sample taken, kept or not: calls within SHARED_READING_MS of it share it. */
  private latest: Sample | undefined;

  constructor(private readonly clock: () => number = () => performance.now(), private readonly sample: (now: number) => Sample = sampleNow) {}

  async measure(wait: (ms: number) => Promise<unknown>): Promise<Window> {
    let now = this.clock();
    this.samples = this.samples.filter((s) => now - s.at <= MAX_WINDOW_MS);
    const shared = this.recent(now);
    const sharedBase = shared && this.newestAtLeast(shared.at, MIN_WINDOW_MS);
    if (shared && sharedBase) return usage(sharedBase, shared);
    const base = this.newestAtLeast(now, MIN_WINDOW_MS);
    if (base) return usage(base, this.keep(this.take(now)));
    // Wait for the oldest recent sample to be old enough, or take one and wait a whole window.
    const oldest = this.samples[0] ?? this.keep(this.take(now));
    await wait(Math.max(0, MIN_WINDOW_MS - (now - oldest.at)));
    now = this.clock();
    const after = this.recent(now);
    return usage(oldest, this.keep(after && after.at - oldest.at >= MIN_WINDOW_MS ? after : this.take(now)));
  }

  private recent(now: number): Sample | undefined {
    return this.latest && now - this.latest.at <= SHARED_READING_MS ? this.latest : undefined;
  }

  private take(now: number): Sample {
    this.latest = this.sample(now);
    return this.latest;
  }

  private newestAtLeast(now: number, age: number): Sample | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i] as Sample;
      if (now - s.at >= age) return s;
    }
    return undefined;
  }

  private keep(s: Sample): Sample {
    const last = this.samples[this.samples.length - 1];
    if (!last || s.at - last.at >= MIN_WINDOW_MS) this.samples.push(s);
    return s;
  }
}

/** The server process's one window: every session's `cpu` shares it. */
export const cpuWindow = new CpuWindow();
