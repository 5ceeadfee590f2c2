import { isIPv6 } from 'node:net';
import { TcpcmdError, ErrorCode } from './errors.js';

export const DEFAULT_PORT = 10000;
export const DEFAULT_HOST = '127.0.0.1';

export interface Address {
  host: string;
  port: number;
}

/** Validates a TCP port number (0 is allowed where `allowZero`: "pick a free port"). */
export function parsePort(value: string | number, what = 'port', allowZero = false): number {
  const text = String(value).trim();
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(port) || port < min || port > 65535) {
    throw new TcpcmdError(ErrorCode.USAGE, `${what} must be a whole number from ${min} to 65535, got "${text}"`);
  }
  return port;
}

/**
 * Parses `host`, `host:port`, `:port`, `[v6]:port` or a bare IPv6 address.
 * The port defaults to 10000, as in the original tool.
 */
export function parseAddress(text: string, defaultPort = DEFAULT_PORT): Address {
  const { host, port } = parseHostPort(text);
  return { host, port: port ?? defaultPort };
}

/** A host name (letters, digits, `.`, `-`, `_`) or an IPv4 address. */
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/;

/**
 * As parseAddress, but says whether the text gave a port: null when it did
 * not. Strict: `127.0.0.1:20000:70000` is refused (not read as an IPv6
 * host), as is a host with characters no host name has; an IPv6 address with
 * a port goes in brackets.
 */
export function parseHostPort(text: string): { host: string; port: number | null } {
  const input = text.trim();
  const bad = (why: string): TcpcmdError => new TcpcmdError(ErrorCode.USAGE, why);
  if (input === '') throw new TcpcmdError(ErrorCode.USAGE, 'address is empty: expected host[:port], e.g. 127.0.0.1:10000');
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(input);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (!isIPv6(host)) throw bad(`[${host}] in "${input}" is not an IPv6 address`);
    return { host, port: bracketed[2] === undefined ? null : parsePort(bracketed[2], `port in "${input}"`) };
  }
  const colons = input.split(':').length - 1;
  if (colons > 1) {
    if (isIPv6(input)) return { host: input, port: null };
    throw bad(`"${input}" has more than one ":" (an IPv6 address with a port goes in brackets: [::1]:10000)`);
  }
  const [host = '', port] = input.split(':');
  if (host !== '' && !HOST_NAME.test(host)) throw bad(/\s/.test(host) ? `host in "${input}" must not contain spaces` : `host in "${input}" has characters no host name has`);
  return { host: host === '' ? DEFAULT_HOST : host, port: port === undefined ? null : parsePort(port, `port in "${input}"`) };
}

export function formatAddress({ host, port }: Address): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
