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

/** As parseAddress, but says whether the text gave a port: null when it did not. */
export function parseHostPort(text: string): { host: string; port: number | null } {
  const input = text.trim();
  if (input === '') throw new TcpcmdError(ErrorCode.USAGE, 'address is empty: expected host[:port], e.g. 127.0.0.1:10000');
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    return { host, port: bracketed[2] === undefined ? null : parsePort(bracketed[2], `port in "${input}"`) };
  }
  const colons = input.split(':').length - 1;
  if (colons > 1) return { host: input, port: null }; // bare IPv6
  const [host = '', port] = input.split(':');
  if (/\s/.test(host)) throw new TcpcmdError(ErrorCode.USAGE, `host in "${input}" must not contain spaces`);
  return { host: host === '' ? DEFAULT_HOST : host, port: port === undefined ? null : parsePort(port, `port in "${input}"`) };
}

export function formatAddress({ host, port }: Address): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
