import { isIPv4, isIPv6 } from 'node:net';

export const PING_COUNT = { min: 1, max: 20, default: 4 } as const;

export type PingArguments = { host: string; count: number } | { error: string };

/**
 * Validates `ping <host> [count]` strictly. The host becomes an argv element of
 * the ping program, so anything a program could take for an option (a leading
 * `-`) or a shell for syntax is refused, not escaped.
 */
export function parsePingArguments(argv: readonly string[]): PingArguments {
  const [host, count, ...extra] = argv;
  if (host === undefined) return { error: 'ping: expected a host, e.g. ping 127.0.0.1 4' };
  if (extra.length > 0) return { error: `ping: expected at most 2 arguments (host and count), got ${argv.length}: "${argv.join(' ')}"` };
  if (!isHost(host)) {
    return { error: `ping: host must be a host name (letters, digits, "." and "-", not starting with "-"), an IPv4 or an IPv6 address, got "${host}"` };
  }
  if (count === undefined) return { host, count: PING_COUNT.default };
  const n = /^\d{1,3}$/.test(count) ? Number(count) : NaN;
  if (!(n >= PING_COUNT.min && n <= PING_COUNT.max)) {
    return { error: `ping: count must be a whole number from ${PING_COUNT.min} to ${PING_COUNT.max}, got "${count}"` };
  }
  return { host, count: n };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** A host name (RFC 1123), an IPv4 address, or an IPv6 address with an optional plain zone (`fe80::1%eth0`). */
export function isHost(text: string): boolean {
  if (isIPv4(text)) return true;
  const [address = '', zone, ...more] = text.split('%');
  if (address.includes(':')) return more.length === 0 && isIPv6(address) && (zone === undefined || /^[a-z0-9_.-]{1,32}$/i.test(zone));
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  // An all-digit last label is a malformed IPv4 address (1.2.3, 999.1.1.1), not a name.
  return labels.every((label) => LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1] ?? '');
}
