/** Text helpers shared by the builtins: output is for people, so units, percentages and aligned columns. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `1536` -> `1.5 KiB`; whole bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `part` of `whole` as `42.0%`; `n/a` when there is no whole. */
export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a';
}

/** `bytes` with its share of `whole`: `4.0 GiB (25.0%)`. */
export function formatShare(bytes: number, whole: number): string {
  return `${formatBytes(bytes)} (${formatPercent(bytes, whole)})`;
}

/** Seconds as `3 days, 4:05:06` (`1 day, ...`; just `4:05:06` under a day). */
export function formatUptime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const clock = `${h}:${pad2(m)}:${pad2(s)}`;
  return days === 0 ? clock : `${days} ${days === 1 ? 'day' : 'days'}, ${clock}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Rows as aligned `key: value` lines, each ending in a newline. */
export function formatKeyValues(rows: ReadonlyArray<readonly [string, string]>): string {
  return formatColumns(rows.map(([key, value]) => [`${key}:`, value]), { gap: 1 });
}

/** Rows of cells as lines whose columns line up, `gap` spaces apart; the last cell is not padded. */
export function formatColumns(rows: ReadonlyArray<readonly string[]>, { gap = 2, indent = '' } = {}): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const separator = ' '.repeat(gap);
  return rows
    .map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(separator).trimEnd() + '\n')
    .join('');
}
