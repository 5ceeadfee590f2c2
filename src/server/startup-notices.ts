import { formatAddress, type Address } from '../protocol/index.js';
import type { LogEvent } from './log.js';
import type { ResolvedServeOptions } from './options.js';
import { isLoopback } from './peer.js';

/** Tokens shorter than this can be guessed offline from one recorded handshake. */
export const SHORT_TOKEN = 16;

const MAKE_TOKEN = 'e.g. TCPCMD_TOKEN=$(openssl rand -hex 32), or --token-file FILE';

/**
 * What an operator must know about how exposed the server is, said once at
 * start: protected mode on or deliberately off, a guessable token, clear text
 * on the network.
 */
export function startupNotices(options: ResolvedServeOptions, bound: Address): LogEvent[] {
  const notices: LogEvent[] = [];
  const where = formatAddress(bound);
  const local = isLoopback(bound.host);
  const { token, insecure, tls } = options;
  if (token === undefined && insecure) {
    notices.push({
      event: 'warning',
      message: `--insecure: protected mode is OFF and no token is set — anyone who can reach ${where} can run commands on this machine as this user. Set a token (${MAKE_TOKEN}) instead`,
    });
  } else if (token === undefined && !local) {
    notices.push({
      event: 'notice',
      message: `protected mode is on: no token is set, so only clients on this machine (loopback) are accepted on ${where}. To accept other machines, set a token (${MAKE_TOKEN}) and give clients the same token`,
    });
  } else if (insecure) {
    notices.push({ event: 'notice', message: '--insecure has no effect: a token is set, so every client must prove it' });
  }
  if (token !== undefined && token.length < SHORT_TOKEN) {
    notices.push({
      event: 'warning',
      message: `the token is only ${token.length} characters: anyone who records one handshake can try guesses offline. Use ${SHORT_TOKEN}+ random characters (openssl rand -hex 32)`,
    });
  }
  if (!tls && !local) {
    notices.push({ event: 'notice', message: `no TLS: commands and their output cross the network in clear text; add --tls-cert FILE --tls-key FILE on a network you do not trust` });
  }
  return notices;
}
