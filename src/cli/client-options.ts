import { knownHostsPath, normalizeFingerprint } from '../client/known-hosts.js';
import type { ConnectOptions, KnownHostsOptions } from '../client/index.js';
import { readPem, readTokenFile } from './files.js';
import { FlagProblem, flag, type ArgsOf } from './flags.js';

/** Flags every client command shares: TLS, token and connect timeout. */
export const CLIENT_FLAGS = {
  tls: flag.boolean('Connect with TLS (implied by --ca or --fingerprint)'),
  ca: flag.file("PEM file of the CA (or the server's self-signed certificate) to trust"),
  fingerprint: flag.custom("Pin the server certificate's SHA-256 fingerprint (as printed by `tcpcmd serve`)", { hint: 'sha256', example: 'ab'.repeat(32) }, readFingerprint),
  'accept-new': flag.boolean("With --tls: trust a server seen for the first time without asking and remember it in known_hosts (like ssh's StrictHostKeyChecking=accept-new)"),
  'token-file': flag.file('Read the token from this file (default: the TCPCMD_TOKEN variable)'),
  'connect-timeout': flag.ms('Give up connecting after this many ms', { default: 10_000 }),
};

export type ClientFlags = ArgsOf<typeof CLIENT_FLAGS>;

function readFingerprint(text: string): string {
  if (normalizeFingerprint(text).length !== 95) throw new FlagProblem('a SHA-256 fingerprint (64 hex digits, colons optional, as `tcpcmd serve` prints it)');
  return text;
}

export function connectOptionsFrom(flags: ClientFlags): ConnectOptions {
  const options: ConnectOptions = {};
  if (flags['token-file']) options.token = readTokenFile(flags['token-file']);
  options.connectTimeoutMs = flags['connect-timeout'];
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
