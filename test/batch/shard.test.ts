import { describe, expect, it } from 'vitest';
import { inShard, parseShard } from '../../src/batch/shard.js';
import { ErrorCode } from '../../src/protocol/index.js';

describe('shard', () => {
  it('parses i/n and rejects the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '-1/2']) expect(() => parseShard(bad)).toThrow(expect.objectContaining({ code: ErrorCode.USAGE }));
  });

  it('splits the rows into disjoint, covering, deterministic shares of near-equal size', () => {
    const n = 4;
    const owners = new Map<number, number[]>();
    for (let seq = 1; seq <= 1001; seq++) {
      const mine = [1, 2, 3, 4].filter((i) => inShard(seq, { index: i, count: n }));
      owners.set(seq, mine);
    }
    expect([...owners.values()].every((o) => o.length === 1)).toBe(true);
    const sizes = [1, 2, 3, 4].map((i) => [...owners.values()].filter((o) => o[0] === i).length);
    expect(sizes).toEqual([251, 250, 250, 250]);
    // (seq - 1) % n === i - 1: row 1 in shard 1, row 6 in shard 2.
    expect(owners.get(1)).toEqual([1]);
    expect(owners.get(6)).toEqual([2]);
    expect(inShard(6, parseShard('2/4'))).toBe(inShard(6, parseShard('2/4')));
  });
});
