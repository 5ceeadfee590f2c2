/** `host[:port]`, or the name (or address) of a server in --targets servers.csv. */
import { ErrorCode, TcpcmdError, formatAddress, parseAddress } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import type { Target } from './session.js';

export function findTarget(text: string, known: readonly BatchTarget[]): Target {
  const wanted = text.trim();
  const listed = known.find((t) => t.name === wanted || t.key === wanted);
  if (listed) return fromList(listed);
  try {
    const address = parseAddress(wanted);
    // An address that servers.csv lists keeps that entry's token.
    const same = known.find((t) => t.key === formatAddress(address));
    return same ? fromList(same) : { address };
  } catch (err) {
    const names = known.length > 0 ? ` or a name from the targets file (${known.map((t) => t.name).join(', ')})` : '';
    throw new TcpcmdError(ErrorCode.USAGE, `target "${wanted}": ${(err as Error).message}; give host[:port]${names}`);
  }
}

export function fromList(t: BatchTarget): Target {
  return t.token === undefined ? { address: t.address } : { address: t.address, token: t.token };
}
