/** `host[:port]`, or the name (or address) of a server in --targets servers.csv. */
import { isIP } from 'node:net';
import { type Address, ErrorCode, TcpcmdError, formatAddress, parseAddress, parseHostPort, errorMessage } from '../protocol/index.js';
import type { BatchTarget } from './batch-api.js';
import type { Target } from './session.js';

/**
 * `known`: the servers of `targetsFile`. With such a file, a bare word that
 * names none of them is a mistyped name, not a host to look up: only a
 * `host:port` or an IP address goes past the list.
 */
export function findTarget(text: string, known: readonly BatchTarget[], targetsFile?: string): Target {
  const wanted = text.trim();
  const listed = known.find((t) => t.name === wanted || t.key === wanted);
  if (listed) return fromList(listed);
  const names = known.map((t) => t.name).join(', ');
  let address: Address;
  try {
    address = parseAddress(wanted);
  } catch (err) {
    const orName = known.length > 0 ? ` or a name from the targets file (${names})` : '';
    throw new TcpcmdError(ErrorCode.USAGE, `target "${wanted}": ${errorMessage(err)}; give host[:port]${orName}`);
  }
  if (targetsFile !== undefined && known.length > 0 && parseHostPort(wanted).port === null && isIP(address.host) === 0) {
    throw new TcpcmdError(ErrorCode.USAGE, `no server named "${wanted}" in ${targetsFile} (${names})`);
  }
  // An address that servers.csv lists keeps that entry's token.
  const same = known.find((t) => t.key === formatAddress(address));
  return same ? fromList(same) : { address };
}

export function fromList(t: BatchTarget): Target {
  return { address: t.address, ...(t.name !== t.key ? { name: t.name } : {}), ...(t.token !== undefined ? { token: t.token } : {}) };
}
