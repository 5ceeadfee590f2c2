/**
 * A server's figures from the supervision builtins' answers (`cpu`, `ram`,
 * `disk`, `uptime`): their data (`RunResult.data`, negotiated in hello) when
 * the server sends it, else their text (`usage: 12.5%`, `used: 1.1 GiB (4.7%)`,
 * `load:  0.52, 0.40, 0.31`, `system: 2 days, 3:04:40`), which servers without
 * the `data` feature still give. The one reader of both dashboards: `tcpcmd
 * top` and the web page.
 */
import type { RunData, RunDataKind } from '../protocol/metrics.js';

/** What is read of a run: its text, its data when the server sent some, its error. */
export interface Answer {
  stdout: string;
  data?: RunData;
  error?: { code: string };
}

/** Every figure; null where the server gave none (or was not asked). */
export interface HostFigures {
  cpuPercent: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  ramPercent: number | null;
  ramUsedBytes: number | null;
  ramTotalBytes: number | null;
  diskPercent: number | null;
  diskUsedBytes: number | null;
  diskTotalBytes: number | null;
  /** The system's uptime. */
  uptimeSeconds: number | null;
}

export interface Answers {
  cpu?: Answer | undefined;
  ram?: Answer | undefined;
  disk?: Answer | undefined;
  uptime?: Answer | undefined;
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

/** `2 days, 3:04:40` or `3:04:40`. */
function seconds(text: string | undefined): number | null {
  const m = /^(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)/.exec(text ?? '');
  return m ? Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) : null;
}

function dataOf<K extends RunDataKind>(answer: Answer | undefined, kind: K): Extract<RunData, { kind: K }> | undefined {
  return answer?.data?.kind === kind ? (answer.data as Extract<RunData, { kind: K }>) : undefined;
}

function space(answer: Answer | undefined, kind: 'ram' | 'disk'): { percent: number | null; used: number | null; total: number | null } {
  const d = dataOf(answer, kind);
  if (d) return { percent: d.usagePercent, used: d.usedBytes, total: d.totalBytes };
  const used = field(answer?.stdout ?? '', 'used');
  return { percent: percent(used), used: bytes(used), total: bytes(field(answer?.stdout ?? '', 'total')) };
}

function load(answer: Answer | undefined): (number | null)[] {
  const d = dataOf(answer, 'cpu');
  if (d) return [d.load1, d.load5, d.load15];
  const m = /^([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(field(answer?.stdout ?? '', 'load') ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [null, null, null];
}

/** The figures in the answers given; `missing` names each answer that gave none (`cpu`, or `disk: TIMEOUT`). */
export function readFigures(answers: Answers): { figures: HostFigures; missing: string[] } {
  const { cpu, ram, disk, uptime } = answers;
  const r = space(ram, 'ram');
  const d = space(disk, 'disk');
  const [load1 = null, load5 = null, load15 = null] = load(cpu);
  const figures: HostFigures = {
    cpuPercent: dataOf(cpu, 'cpu')?.usagePercent ?? percent(field(cpu?.stdout ?? '', 'usage')),
    load1,
    load5,
    load15,
    ramPercent: r.percent,
    ramUsedBytes: r.used,
    ramTotalBytes: r.total,
    diskPercent: d.percent,
    diskUsedBytes: d.used,
    diskTotalBytes: d.total,
    uptimeSeconds: dataOf(uptime, 'uptime')?.systemSeconds ?? seconds(field(uptime?.stdout ?? '', 'system')),
  };
  const gave = { cpu: figures.cpuPercent ?? figures.load1, ram: r.percent ?? r.total, disk: d.percent ?? d.total, uptime: figures.uptimeSeconds };
  const missing: string[] = [];
  for (const kind of ['ram', 'disk', 'cpu', 'uptime'] as const) {
    const answer = answers[kind];
    if (answer !== undefined && gave[kind] === null) missing.push(answer.error ? `${kind}: ${answer.error.code}` : kind);
  }
  return { figures, missing };
}
