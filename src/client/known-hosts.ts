import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, TcpcmdError, formatAddress, type Address, errorMessage } from '../protocol/index.js';
import { stateDir } from './state-dir.js';

/**
 * Certificates accepted on first use, as ssh's known_hosts: one line per
 * server, `host:port sha256 AB:CD:…`. A line starting with `#` is a comment.
 */

/** Where the accepted fingerprints live: $TCPCMD_KNOWN_HOSTS, else `known_hosts` in stateDir() ($XDG_STATE_HOME/tcpcmd, else ~/.local/state/tcpcmd). */
export function knownHostsPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TCPCMD_KNOWN_HOSTS) return env.TCPCMD_KNOWN_HOSTS;
  return join(stateDir(env), 'known_hosts');
}

/** The name a server is remembered by: `host:port` as the user wrote the host (lower-cased), `[v6]:port` for IPv6. */
export function hostKey(address: Address): string {
  return formatAddress({ host: address.host.toLowerCase(), port: address.port });
}

/** `AB:CD:…` upper-case hex with colons, whatever the input's case and separators. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export type KnownHostMatch =
  | { status: 'unknown' }
  | { status: 'match'; line: number }
  /** The host is known with other fingerprints: someone may be in the middle. */
  | { status: 'mismatch'; line: number; fingerprint: string };

/** Looks a server up. A missing file knows no host; one that cannot be read is an error (never a silent "unknown"). */
export function lookupKnownHost(file: string, key: string, fingerprint: string): KnownHostMatch {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'unknown' };
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot read the known hosts file ${file}: ${errorMessage(err)}`, { cause: err });
  }
  const want = normalizeFingerprint(fingerprint);
  let mismatch: KnownHostMatch | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const [host, kind, value] = (lines[i] ?? '').trim().split(/\s+/);
    if (!host || host.startsWith('#') || kind?.toLowerCase() !== 'sha256' || !value) continue;
    if (host.toLowerCase() !== key) continue;
    if (normalizeFingerprint(value) === want) return { status: 'match', line: i + 1 };
    mismatch ??= { status: 'mismatch', line: i + 1, fingerprint: normalizeFingerprint(value) };
  }
  return mismatch ?? { status: 'unknown' };
}

/** Appends a server's fingerprint (creating the folder 0700 and the file 0600). */
export function rememberHost(file: string, key: string, fingerprint: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${key} sha256 ${normalizeFingerprint(fingerprint)}\n`, { mode: 0o600 });
  } catch (err) {
    throw new TcpcmdError(ErrorCode.IO_ERROR, `cannot write the known hosts file ${file}: ${errorMessage(err)}`, { cause: err });
  }
}
