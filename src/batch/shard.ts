/**
 * `--shard i/n`: a deterministic share of the rows, so n CI jobs can split one
 * file. Rows are dealt round-robin by seq (the data row number), which keeps
 * every shard a similar size and mix even when the file is sorted by kind.
 */
import { ErrorCode, TcpcmdError } from '../protocol/index.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const ALL: Shard = { index: 1, count: 1 };

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new TcpcmdError(ErrorCode.USAGE, `--shard must be i/n with 1 <= i <= n (e.g. 2/4), got "${text}"`);
  }
  return { index, count };
}

/** True when the row with this seq belongs to the shard. */
export function inShard(seq: number, shard: Shard): boolean {
  return (seq - 1) % shard.count === shard.index - 1;
}
