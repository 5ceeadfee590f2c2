/**
 * The fleet as a table of text lines: the columns, how each cell reads and
 * sorts, the sparkline, and fitting a row to a width. Pure (no terminal):
 * the live screen and `--once` both draw with it.
 */
import { stripVTControlCharacters, styleText } from 'node:util';
import type { ServerView, Status } from './poller.js';

export type ColumnKey = 'name' | 'status' | 'cpu' | 'history' | 'load' | 'ram' | 'disk' | 'uptime' | 'rtt' | 'note';

export interface Column {
  key: ColumnKey;
  title: string;
  /** The key that sorts by it in the live view. */
  sortKey?: string;
  align: 'left' | 'right';
  /** Fixed width; undefined: as wide as its widest cell (name), or what is left (note). */
  width?: number;
  text(view: ServerView, style: Style): string;
  /** Sort value: larger first for figures, A to Z for names; undefined sorts last. */
  value?(view: ServerView): number | string | undefined;
}

export interface Style {
  color: boolean;
  ascii: boolean;
}

const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_SPARKS = ['_', '.', ':', '-', '=', '+', '*', '#'];

/** CPU % history as a sparkline, one character a poll (a space for a failed one), right-aligned to `width`. */
export function sparkline(values: readonly (number | null)[], width: number, ascii: boolean): string {
  const marks = ascii ? ASCII_SPARKS : SPARKS;
  const line = values.slice(-width).map((v) => (v === null ? ' ' : marks[Math.min(marks.length - 1, Math.floor((Math.max(0, v) / 100) * marks.length))] ?? ' ')).join('');
  return line.padStart(width);
}

/** Seconds as `12d 03:04`, `03:04:05` under a day. */
export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return d > 0 ? `${d}d ${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(Math.floor(seconds % 60))}`;
}

const STATUS_ORDER: Record<Status, number> = { 'auth failed': 4, down: 3, stale: 2, connecting: 1, up: 0 };
const STATUS_COLOR: Record<Status, Parameters<typeof styleText>[0]> = { up: 'green', stale: 'yellow', down: 'red', 'auth failed': 'magenta', connecting: 'cyan' };

function paint(format: Parameters<typeof styleText>[0], text: string, style: Style): string {
  // The caller decided (NO_COLOR, a terminal or not): styleText must not check process.stdout again.
  return style.color ? styleText(format, text, { validateStream: false }) : text;
}

/** A percentage, red from 90, yellow from 70. */
function percentCell(value: number | null | undefined, style: Style): string {
  if (value === null || value === undefined) return '-';
  const text = value.toFixed(1);
  return value >= 90 ? paint('red', text, style) : value >= 70 ? paint('yellow', text, style) : text;
}

/** Figures of a server that is not up are its last ones: shown dim, so they do not read as current. */
function figure(view: ServerView, text: string, style: Style): string {
  return view.status === 'up' || text === '-' ? text : paint('dim', text, style);
}

export const HISTORY_WIDTH = 12;

export const COLUMNS: readonly Column[] = [
  { key: 'name', title: 'NAME', sortKey: 'n', align: 'left', text: (v) => v.target.name, value: (v) => v.target.name.toLowerCase() },
  { key: 'status', title: 'STATUS', sortKey: 's', align: 'left', width: 11, text: (v, s) => paint(STATUS_COLOR[v.status], v.status, s), value: (v) => STATUS_ORDER[v.status] },
  { key: 'cpu', title: 'CPU%', sortKey: 'c', align: 'right', width: 5, text: (v, s) => figure(v, percentCell(v.sample?.cpuPercent, s), s), value: (v) => v.sample?.cpuPercent ?? undefined },
  { key: 'history', title: 'CPU HISTORY', align: 'left', width: HISTORY_WIDTH, text: (v, s) => sparkline(v.history, HISTORY_WIDTH, s.ascii) },
  { key: 'load', title: 'LOAD', sortKey: 'l', align: 'right', width: 6, text: (v, s) => figure(v, v.sample?.load1 == null ? '-' : v.sample.load1.toFixed(2), s), value: (v) => v.sample?.load1 ?? undefined },
  { key: 'ram', title: 'RAM%', sortKey: 'm', align: 'right', width: 5, text: (v, s) => figure(v, percentCell(v.sample?.ramPercent, s), s), value: (v) => v.sample?.ramPercent ?? undefined },
  { key: 'disk', title: 'DISK%', sortKey: 'd', align: 'right', width: 5, text: (v, s) => figure(v, percentCell(v.sample?.diskPercent, s), s), value: (v) => v.sample?.diskPercent ?? undefined },
  { key: 'uptime', title: 'UPTIME', sortKey: 'u', align: 'right', width: 9, text: (v, s) => figure(v, v.sample?.uptimeSeconds == null ? '-' : formatUptime(v.sample.uptimeSeconds), s), value: (v) => v.sample?.uptimeSeconds ?? undefined },
  { key: 'rtt', title: 'RTT ms', sortKey: 'r', align: 'right', width: 6, text: (v, s) => figure(v, v.sample === undefined ? '-' : v.sample.rttMs.toFixed(1), s), value: (v) => v.sample?.rttMs },
  { key: 'note', title: 'NOTE', align: 'left', text: (v) => v.reason },
];

export interface Sort {
  column: ColumnKey | undefined;
  /** Reversed from the column's natural order (names A to Z, figures largest first). */
  reverse: boolean;
}

/** The views in the order asked: given order by default; ties keep it. */
export function sortViews(views: ServerView[], sort: Sort): ServerView[] {
  const column = COLUMNS.find((c) => c.key === sort.column);
  const value = column?.value;
  if (!value) return views.sort((a, b) => a.index - b.index);
  const sign = sort.reverse ? -1 : 1;
  return views.sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || y === undefined) return x === y ? a.index - b.index : x === undefined ? 1 : -1;
    const order = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : (y as number) - (x as number);
    return order !== 0 ? order * sign : a.index - b.index;
  });
}

const visibleLength = (text: string): number => stripVTControlCharacters(text).length;

function fit(text: string, width: number, align: 'left' | 'right'): string {
  const length = visibleLength(text);
  if (length > width) {
    const plain = stripVTControlCharacters(text);
    return width <= 1 ? plain.slice(0, width) : `${plain.slice(0, width - 1)}~`;
  }
  const pad = ' '.repeat(width - length);
  return align === 'left' ? text + pad : pad + text;
}

export interface Layout {
  columns: Column[];
  widths: number[];
}

/** Columns given up, in this order, when a row does not fit the width. */
const DROP_ORDER: readonly ColumnKey[] = ['history', 'note', 'uptime', 'rtt', 'load', 'disk', 'ram', 'cpu'];

/**
 * The columns that fit `width` (undefined: all, none cut), and their widths:
 * the note takes what is left; when even the figures do not fit, columns go
 * in DROP_ORDER (the history first).
 */
export function layout(views: readonly ServerView[], width: number | undefined): Layout {
  const nameWidth = Math.max(4, ...views.map((v) => v.target.name.length));
  const noteWidth = Math.max(4, ...views.map((v) => v.reason.length));
  let columns = [...COLUMNS];
  const widthOf = (c: Column): number => c.width ?? (c.key === 'name' ? nameWidth : noteWidth);
  if (width === undefined) return { columns, widths: columns.map(widthOf) };
  const fixed = (cs: Column[]): number => cs.reduce((sum, c) => sum + (c.key === 'note' ? 0 : c.key === 'name' ? Math.min(nameWidth, 24) : widthOf(c)) + 1, 0);
  for (const drop of DROP_ORDER) {
    if (fixed(columns) + (columns.some((c) => c.key === 'note') ? 4 : 0) <= width) break;
    columns = columns.filter((c) => c.key !== drop);
  }
  const widths = columns.map((c) => (c.key === 'name' ? Math.min(nameWidth, 24) : c.key === 'note' ? Math.max(4, width - fixed(columns) - 1) : widthOf(c)));
  return { columns, widths };
}

export function headerLine(l: Layout, style: Style, marker = ''): string {
  return marker + l.columns.map((c, i) => fit(paint('bold', c.title, style), l.widths[i] ?? 0, c.align)).join(' ').trimEnd();
}

export function rowLine(l: Layout, view: ServerView, style: Style, marker = ''): string {
  return marker + l.columns.map((c, i) => fit(c.text(view, style), l.widths[i] ?? 0, c.align)).join(' ').trimEnd();
}

/** Counts by status, as `3 up, 1 down`. */
export function statusCounts(views: readonly ServerView[]): string {
  const counts = new Map<Status, number>();
  for (const v of views) counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
  return (['up', 'stale', 'connecting', 'down', 'auth failed'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

/** The whole fleet as one table (for `--once` and pipes): one poll, so no history. */
export function renderTable(views: readonly ServerView[], style: Style, width?: number): string {
  const all = layout(views, width);
  const keep = all.columns.map((c) => c.key !== 'history');
  const l = { columns: all.columns.filter((_, i) => keep[i]), widths: all.widths.filter((_, i) => keep[i]) };
  return [headerLine(l, style), ...views.map((v) => rowLine(l, v, style))].join('\n') + '\n';
}
