/**
 * CPU, RAM and disk figures for the dashboard, from the supervision builtins'
 * answers: their data (`RunResult.data`, negotiated in hello) when the server
 * sends it, else their text (`usage: 12.5%`, `used: 1.1 GiB (4.7%)`), which
 * servers without the `data` feature still give.
 */
import type { RunData, SpaceData } from '../protocol/index.js';
import type { Metrics } from './messages.js';

/** What the adapter reads of a run: its text, and its data when the server sent some. */
export interface Answer {
  stdout: string;
  data?: RunData;
}

interface SpaceFigures {
  percent: number | null;
  used: number | null;
  total: number | null;
}

const UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50 };

function field(text: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1];
}

function bytes(text: string | undefined): number | null {
  const m = /([\d.]+)\s*(B|KiB|MiB|GiB|TiB|PiB)\b/.exec(text ?? '');
  return m ? Math.round(Number(m[1]) * (UNITS[m[2] ?? 'B'] ?? 1)) : null;
}

function percent(text: string | undefined): number | null {
  const m = /([\d.]+)%/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

export function cpuPercent(answer: Answer): number | null {
  if (answer.data?.kind === 'cpu') return answer.data.usagePercent;
  return percent(field(answer.stdout, 'usage'));
}

/** `ram` or `disk`: used share, used and total bytes. */
export function space(answer: Answer, kind: 'ram' | 'disk'): SpaceFigures {
  if (answer.data?.kind === kind) {
    const d: SpaceData = answer.data;
    return { percent: d.usagePercent, used: d.usedBytes, total: d.totalBytes };
  }
  const used = field(answer.stdout, 'used');
  return { percent: percent(used), used: bytes(used), total: bytes(field(answer.stdout, 'total')) };
}

export function metricsOf(cpu: Answer, ram: Answer, disk: Answer, at = Date.now()): Metrics {
  const r = space(ram, 'ram');
  const d = space(disk, 'disk');
  return {
    at,
    cpuPercent: cpuPercent(cpu),
    ramPercent: r.percent,
    ramUsedBytes: r.used,
    ramTotalBytes: r.total,
    diskPercent: d.percent,
    diskUsedBytes: d.used,
    diskTotalBytes: d.total,
  };
}
