import { describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/top/poller.js';
import { seriesHead, seriesRows } from '../../src/top/series.js';
import { formatUptime, layout, renderTable, rowLine, sortViews, sparkline } from '../../src/top/table.js';

const plain = { color: false, ascii: false };

function view(index: number, name: string, fields: Partial<ServerView> & { cpu?: number | null; ram?: number } = {}): ServerView {
  const { cpu = 10, ram = 50, ...rest } = fields;
  return {
    target: { key: `127.0.0.1:${10000 + index}`, address: { host: '127.0.0.1', port: 10000 + index }, name },
    index,
    status: 'up',
    reason: '',
    sample: {
      at: 1_000, rttMs: 0.4, cpuPercent: cpu, load1: 0.5, load5: 0.25, load15: 0.125, ramPercent: ram, ramUsedBytes: 5, ramTotalBytes: 10,
      diskPercent: 20, diskUsedBytes: 2, diskTotalBytes: 10, uptimeSeconds: 90_061,
    },
    history: [0, 50, 100, null, 12.5],
    ...rest,
  };
}

describe('top table', () => {
  it('draws CPU history as a sparkline, a gap for a failed poll, ASCII on request', () => {
    expect(sparkline([0, 50, 100, null, 12.5], 6, false)).toBe(' ▁▅█ ▂');
    expect(sparkline([0, 50, 100, null, 12.5], 6, true)).toBe(' _=# .');
    expect(sparkline([1, 2, 3], 2, false)).toHaveLength(2);
  });

  it('shows uptime as days and hours:minutes, or a clock under a day', () => {
    expect(formatUptime(90_061)).toBe('1d 01:01');
    expect(formatUptime(3_725)).toBe('01:02:05');
  });

  it('sorts by a column, worst first for figures and status, A to Z for names; reversed; given order by default', () => {
    const views = [view(0, 'b', { cpu: 5 }), view(1, 'a', { cpu: 90 }), view(2, 'c', { status: 'down', cpu: null, sample: undefined })];
    const names = (sorted: ServerView[]): string[] => sorted.map((v) => v.target.name);
    expect(names(sortViews([...views], { column: undefined, reverse: false }))).toEqual(['b', 'a', 'c']);
    expect(names(sortViews([...views], { column: 'name', reverse: false }))).toEqual(['a', 'b', 'c']);
    expect(names(sortViews([...views], { column: 'cpu', reverse: false }))).toEqual(['a', 'b', 'c']);
    expect(names(sortViews([...views], { column: 'cpu', reverse: true }))).toEqual(['b', 'a', 'c']);
    expect(names(sortViews([...views], { column: 'status', reverse: false }))).toEqual(['c', 'b', 'a']);
  });

  it('fits 80 columns with every figure, and gives columns up in order on a narrower screen', () => {
    const views = [view(0, 'web-1', { reason: 'a note that is rather long and has to be cut somewhere' })];
    const wide = layout(views, 78);
    expect(wide.columns.map((c) => c.key)).toEqual(['name', 'status', 'cpu', 'history', 'load', 'ram', 'disk', 'uptime', 'rtt', 'note']);
    const line = rowLine(wide, views[0] as ServerView, plain);
    expect(line.length).toBeLessThanOrEqual(78);
    expect(line).toBe('web-1 up           10.0        ▁▅█ ▂   0.50  50.0  20.0  1d 01:01    0.4 a n~');
    const narrow = layout(views, 40);
    expect(narrow.columns.map((c) => c.key)).toEqual(['name', 'status', 'cpu', 'ram', 'disk']);
    expect(rowLine(narrow, views[0] as ServerView, plain).length).toBeLessThanOrEqual(40);
  });

  it('renders one table with no history column and no colour unless asked', () => {
    const table = renderTable([view(0, 'web-1'), view(1, 'db', { status: 'down', reason: 'CONNECT_FAILED: refused' })], plain);
    const [head, first, second] = table.split('\n');
    expect(head).toBe('NAME  STATUS       CPU%   LOAD  RAM% DISK%    UPTIME RTT ms NOTE');
    expect(first).toBe('web-1 up           10.0   0.50  50.0  20.0  1d 01:01    0.4');
    expect(second).toMatch(/^db +down .* CONNECT_FAILED: refused$/);
    expect(table).not.toContain('\x1b[');
    expect(renderTable([view(0, 'web-1', { cpu: 95 })], { color: true, ascii: false })).toContain('\x1b[31m95.0');
  });

  it('writes a time series row per server: CSV with empty cells, JSONL with nulls, figures only when this round reached the server', () => {
    expect(seriesHead('csv')).toBe('time,name,target,status,reason,cpu_percent,load1,load5,load15,ram_percent,ram_used_bytes,ram_total_bytes,disk_percent,disk_used_bytes,disk_total_bytes,uptime_seconds,rtt_ms\n');
    const views = [view(0, 'web-1'), view(1, 'db', { status: 'down', reason: 'gone, for now' })];
    const csv = seriesRows('csv', views, 1_000).split('\n');
    expect(csv[0]).toBe('1970-01-01T00:00:01.000Z,web-1,127.0.0.1:10000,up,,10,0.5,0.25,0.125,50,5,10,20,2,10,90061,0.4');
    expect(csv[1]).toBe('1970-01-01T00:00:01.000Z,db,127.0.0.1:10001,down,"gone, for now",,,,,,,,,,,,');
    const later = JSON.parse(seriesRows('jsonl', [view(0, 'web-1')], 2_000)) as Record<string, unknown>;
    expect(later).toMatchObject({ name: 'web-1', status: 'up', cpu_percent: null, rtt_ms: null });
  });
});
