import type { Argv } from 'yargs';
import { ErrorCode, TcpcmdError, positiveMs } from '../protocol/index.js';
import { knownHostsPath, normalizeFingerprint } from '../client/known-hosts.js';
import type { ConnectOptions, KnownHostsOptions } from '../client/index.js';
import { readPem, readTokenFile } from './files.js';

export interface ClientFlags {
  tls?: boolean;
  ca?: string;
  fingerprint?: string;
  'accept-new'?: boolean;
  'token-file'?: string;
  'connect-timeout'?: number;
}

/** How a flag is declared: the shape yargs reads, which the fast path of `exec` and `run` (fast-path.ts) reads too. */
export interface FlagSpec {
  type: 'boolean' | 'string' | 'number';
  describe: string;
  default?: boolean | string | number;
  /** A one-letter short form. */
  alias?: string;
  choices?: readonly string[];
  /** Of a number, for messages: `--timeout must be a number of ms`. */
  unit?: string;
}

/** Flags every client command shares: TLS, token and connect timeout. */
export const CLIENT_FLAGS: Record<keyof ClientFlags, FlagSpec> = {
  tls: { type: 'boolean', describe: 'Connect with TLS (implied by --ca or --fingerprint)' },
  ca: { type: 'string', describe: "PEM file of the CA (or the server's self-signed certificate) to trust" },
  fingerprint: { type: 'string', describe: "Pin the server certificate's SHA-256 fingerprint (as printed by `tcpcmd serve`)" },
  'accept-new': { type: 'boolean', describe: "With --tls: trust a server seen for the first time without asking and remember it in known_hosts (like ssh's StrictHostKeyChecking=accept-new)" },
  'token-file': { type: 'string', describe: 'Read the token from this file (default: the TCPCMD_TOKEN variable)' },
  'connect-timeout': { type: 'number', describe: 'Give up connecting after this many ms', default: 10_000, unit: 'ms' },
};

export function withClientFlags<T>(y: Argv<T>): Argv<T & ClientFlags> {
  return y.options(CLIENT_FLAGS) as unknown as Argv<T & ClientFlags>;
}

export function connectOptionsFrom(flags: ClientFlags): ConnectOptions {
  const options: ConnectOptions = {};
  if (flags['token-file']) options.token = readTokenFile(flags['token-file']);
  if (flags['connect-timeout'] !== undefined) options.connectTimeoutMs = positiveMs(flags['connect-timeout'], '--connect-timeout');
  if (flags.fingerprint !== undefined && normalizeFingerprint(flags.fingerprint).length !== 95) {
    throw new TcpcmdError(ErrorCode.USAGE, `--fingerprint must be a SHA-256 fingerprint (64 hex digits, colons optional, as \`tcpcmd serve\` prints it), got "${flags.fingerprint}"`);
  }
  if (flags.tls || flags.ca || flags.fingerprint || flags['accept-new']) {
    options.tls = {
      ...(flags.ca ? { ca: readPem(flags.ca, '--ca') } : {}),
      ...(flags.fingerprint ? { fingerprint: flags.fingerprint } : {}),
      // Neither a CA file nor a pin: trust on first use, with known_hosts, as ssh does.
      ...(!flags.ca && !flags.fingerprint ? { knownHosts: knownHostsFor(flags) } : {}),
    };
  }
  return options;
}

/** known_hosts as the CLI uses it: ask on a terminal, or accept new servers with --accept-new; notices on stderr. */
function knownHostsFor(flags: ClientFlags): KnownHostsOptions {
  const terminal = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return {
    path: knownHostsPath(),
    ...(flags['accept-new'] ? { acceptNew: true } : {}),
    // readline loads only when a question is asked.
    ...(terminal ? { confirm: async (q) => (await import('../client/terminal-confirm.js')).terminalConfirm()(q) } : {}),
    onNotice: (message) => void process.stderr.write(`${message}\n`),
  };
}
