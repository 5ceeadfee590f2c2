/**
 * CPU, RAM and disk figures for the dashboard, from the supervision builtins'
 * answers: their structured `data` when the server sends it, else their text
 * (`usage: 12.5%`, `used: 1.1 GiB (4.7%)`), which every server version gives.
 */
import type { Metrics } from './messages.js';

/** What the adapter reads of a run: its text, and its data when the server sent some. */
export interface Answer {
  stdout: string;
  data?: unknown;
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

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The answer's data when it is of this kind. */
function dataOf(answer: Answer, kind: string): Record<string, unknown> | undefined {
  const d = answer.data;
  return typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === kind ? (d as Record<string, unknown>) : undefined;
}

export function cpuPercent(answer: Answer): number | null {
  const data = dataOf(answer, 'cpu');
  return data ? num(data.usagePercent) : percent(field(answer.stdout, 'usage'));
}

/** `ram` or `disk`: used share, used and total bytes. */
export function space(answer: Answer, kind: 'ram' | 'disk'): SpaceFigures {
  const data = dataOf(answer, kind);
  if (data) return { percent: num(data.usagePercent), used: num(data.usedBytes), total: num(data.totalBytes) };
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
