/**
 * `tcpcmd top --format csv|jsonl`: one row per server per interval, a time
 * series any tool can plot (docs/fleet.md). Columns in this order; figures
 * are numbers, empty (csv) or null (jsonl) where there is none.
 */
import { stringify } from 'csv-stringify/sync';
import { isoTime } from '../protocol/index.js';
import type { ServerView } from './poller.js';

export const SERIES_COLUMNS = [
  'time', 'name', 'target', 'status', 'reason',
  'cpu_percent', 'load1', 'load5', 'load15',
  'ram_percent', 'ram_used_bytes', 'ram_total_bytes',
  'disk_percent', 'disk_used_bytes', 'disk_total_bytes',
  'uptime_seconds', 'rtt_ms',
] as const;
export type SeriesFormat = 'csv' | 'jsonl';

type SeriesRow = Record<(typeof SERIES_COLUMNS)[number], string | number | null>;

/** A server's row at `time`: figures only when this round reached it (a server down has none). */
function seriesRow(view: ServerView, time: number, since: number): SeriesRow {
  const s = view.status === 'up' && view.sample && view.sample.at >= since ? view.sample : undefined;
  return {
    time: isoTime(time),
    name: view.target.name,
    target: view.target.key,
    status: view.status,
    reason: view.reason,
    cpu_percent: s?.cpuPercent ?? null,
    load1: s?.load1 ?? null,
    load5: s?.load5 ?? null,
    load15: s?.load15 ?? null,
    ram_percent: s?.ramPercent ?? null,
    ram_used_bytes: s?.ramUsedBytes ?? null,
    ram_total_bytes: s?.ramTotalBytes ?? null,
    disk_percent: s?.diskPercent ?? null,
    disk_used_bytes: s?.diskUsedBytes ?? null,
    disk_total_bytes: s?.diskTotalBytes ?? null,
    uptime_seconds: s?.uptimeSeconds ?? null,
    rtt_ms: s?.rttMs ?? null,
  };
}

export function seriesHead(format: SeriesFormat): string {
  return format === 'csv' ? stringify([[...SERIES_COLUMNS]]) : '';
}

/** One round's rows: `time` is when the round started, `since` the same (older figures are not this round's). */
export function seriesRows(format: SeriesFormat, views: readonly ServerView[], time: number): string {
  const rows = views.map((v) => seriesRow(v, time, time));
  if (format === 'jsonl') return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  return stringify(rows.map((r) => SERIES_COLUMNS.map((c) => r[c] ?? '')));
}
