import type tls from 'node:tls';
import { ErrorCode, TcpcmdError, formatAddress, type Address } from '../protocol/index.js';
import { hostKey, knownHostsPath, lookupKnownHost, normalizeFingerprint, rememberHost } from './known-hosts.js';
import type { KnownHostsOptions, TlsOptions, TrustQuestion } from './types.js';

/** A server whose certificate nothing vouches for yet; `question` is what to ask the user. */
export class UntrustedServerError extends TcpcmdError {
  constructor(readonly question: TrustQuestion, message: string) {
    super(ErrorCode.TLS_ERROR, message);
    this.name = 'UntrustedServerError';
  }
}

/**
 * Decides whether to talk to a TLS server, once its handshake is done and
 * before a single byte of ours is sent. In order: a pinned fingerprint must
 * match; a server in known_hosts must present the certificate remembered for
 * it (else the connection is refused loudly, as ssh does); a certificate a CA
 * vouches for is trusted; an unknown one is trusted only when the caller
 * opted in (`acceptNew`), otherwise it is an UntrustedServerError carrying
 * the fingerprint, for the caller to ask about or report.
 */
export function checkServerCertificate(socket: tls.TLSSocket, address: Address, options: TlsOptions): void {
  const where = formatAddress(address);
  const fingerprint = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
  if (options.fingerprint !== undefined) {
    const pinned = normalizeFingerprint(options.fingerprint);
    if (fingerprint !== pinned) {
      throw new TcpcmdError(ErrorCode.TLS_ERROR, `the certificate of ${where} has SHA-256 fingerprint ${fingerprint}, not the pinned ${pinned}: refusing to talk to it (if the server's certificate changed on purpose, pin the new one)`);
    }
    return;
  }
  const known = options.knownHosts;
  if (!known) return; // CA verification only; Node has refused an untrusted certificate already
  const file = known.path ?? knownHostsPath();
  const key = hostKey(address);
  const found = lookupKnownHost(file, key, fingerprint);
  if (found.status === 'match') return;
  if (found.status === 'mismatch') {
    throw new TcpcmdError(ErrorCode.TLS_ERROR,
      `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! The certificate of ${where} has SHA-256 fingerprint ${fingerprint}, ` +
      `but ${file}:${found.line} remembers ${found.fingerprint}. Someone could be intercepting this connection (man-in-the-middle), ` +
      `or the server's certificate was replaced. Refusing to connect. If the change is expected, delete line ${found.line} of ${file} and connect again`);
  }
  if (socket.authorized) return;
  const reason = untrustedReason(socket.authorizationError);
  if (known.acceptNew) {
    remember(known, { file, key, fingerprint });
    return;
  }
  throw new UntrustedServerError({ where, key, fingerprint, reason, file },
    `the TLS certificate of ${where} is not trusted (${reason}) and ${key} is not in ${file}. Its SHA-256 fingerprint is ${fingerprint}. ` +
    `If the server's start-up log shows the same, connect with --fingerprint ${fingerprint} (or --accept-new to trust and remember it); or trust its certificate with --ca FILE`);
}

/** Adds a server to the known_hosts file, and says so as ssh does. */
function remember(known: KnownHostsOptions, { file, key, fingerprint }: Pick<TrustQuestion, 'file' | 'key' | 'fingerprint'>): void {
  rememberHost(file, key, fingerprint);
  known.onNotice?.(`tcpcmd: permanently added ${key} (SHA-256 ${fingerprint}) to ${file}`);
}

/** Prompts run one at a time, so parallel connections do not ask over each other. */
let asking: Promise<unknown> = Promise.resolve();

/**
 * After an UntrustedServerError: asks the user (once per server, even when
 * several connections wanted it) and remembers the answer yes. Resolves true
 * when the server is now trusted.
 */
export function trustOnFirstUse(question: TrustQuestion, known: KnownHostsOptions): Promise<boolean> {
  const turn = asking.then(async () => {
    if (lookupKnownHost(question.file, question.key, question.fingerprint).status === 'match') return true; // accepted meanwhile
    if (!known.confirm || !(await known.confirm(question))) return false;
    remember(known, question);
    return true;
  });
  asking = turn.catch(() => undefined);
  return turn;
}

const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'signed by a CA this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'signed by a CA this machine does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'signed by a CA this machine does not know',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

function untrustedReason(code: string | Error | undefined): string {
  const text = code instanceof Error ? code.message : (code ?? 'unknown');
  return REASONS[text] ?? text;
}
