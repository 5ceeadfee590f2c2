import { describe, expect, it } from 'vitest';
import { formatBytes, formatColumns, formatUptime, formatKeyValues, formatPercent, formatShare } from '../../../src/server/builtins/format.js';

describe('format helpers', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 2)).toBe('5.0 MiB');
    expect(formatBytes(16.5 * 1024 ** 3)).toBe('16.5 GiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TiB');
  });

  it('formats percentages and shares', () => {
    expect(formatPercent(1, 4)).toBe('25.0%');
    expect(formatPercent(1, 0)).toBe('n/a');
    expect(formatShare(1024 ** 3, 4 * 1024 ** 3)).toBe('1.0 GiB (25.0%)');
  });

  it('formats durations as days and a clock', () => {
    expect(formatUptime(0)).toBe('0:00:00');
    expect(formatUptime(65.9)).toBe('0:01:05');
    expect(formatUptime(86_400 + 5)).toBe('1 day, 0:00:05');
    expect(formatUptime(3 * 86_400 + 4 * 3600 + 5 * 60 + 6)).toBe('3 days, 4:05:06');
  });

  it('aligns key: value lines', () => {
    expect(formatKeyValues([['total', '1 B'], ['available', '2 B']])).toBe('total:     1 B\navailable: 2 B\n');
  });

  it('aligns columns without trailing spaces', () => {
    expect(formatColumns([['a', 'bb', ''], ['ccc', 'd', 'e']])).toBe('a    bb\nccc  d   e\n');
  });
});
