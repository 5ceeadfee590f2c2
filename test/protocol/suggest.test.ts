import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/protocol/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('cpu', 'cpu')).toBe(0);
    expect(editDistance('cpu', '')).toBe(3);
    expect(editDistance('ram', 'rams')).toBe(1);
    expect(editDistance('disk', 'dsk')).toBe(1);
    expect(editDistance('disk', 'desk')).toBe(1);
    expect(editDistance('hostname', 'hsotname')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closest', () => {
  const names = ['os', 'cpu', 'ram', 'disk', 'ip', 'hostname', 'ping', 'uptime', 'command', 'expect'];

  it('suggests the known name a typo most likely meant', () => {
    expect(closest('hsotname', names)).toBe('hostname');
    expect(closest('comand', names)).toBe('command');
    expect(closest('dsk', names)).toBe('disk');
    expect(closest('pin', names)).toBe('ping');
  });

  it('suggests nothing for a word too far from every name, or much longer than all of them', () => {
    expect(closest('reboot', names)).toBeUndefined();
    expect(closest('xyz', names)).toBeUndefined();
    expect(closest('hostname-of-the-machine', names)).toBeUndefined();
  });

  it('allows one edit in a short word, two in a longer one', () => {
    expect(closest('rum', names)).toBe('ram');
    expect(closest('rxx', names)).toBeUndefined();
    expect(closest('uptmie', names)).toBe('uptime');
  });
});
