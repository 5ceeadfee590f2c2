import { X509Certificate } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { ErrorCode, TcpcmdError, encodeFrame, errorMessage } from '../protocol/index.js';
import type { TlsServerOptions } from './options.js';

/** First byte of a TLS record carrying a handshake (a ClientHello). */
const TLS_HANDSHAKE = 0x16;

export interface ServerTls {
  context: tls.SecureContext;
  /** SHA-256 fingerprint of the certificate, `AB:CD:…`, for clients to pin. */
  fingerprint: string;
}

/** Loads the certificate and key once, so a bad pair fails at start with a clear message. */
export function loadServerTls(options: TlsServerOptions): ServerTls {
  let context: tls.SecureContext;
  let fingerprint: string;
  try {
    context = tls.createSecureContext({ cert: options.cert, key: options.key });
    fingerprint = new X509Certificate(options.cert).fingerprint256;
  } catch (err) {
    throw new TcpcmdError(ErrorCode.USAGE, `cannot use the TLS certificate and key: ${errorMessage(err)} (check that --tls-cert is a PEM certificate and --tls-key its PEM private key)`, { cause: err });
  }
  return { context, fingerprint };
}

export type Upgrade =
  | { ok: true; socket: tls.TLSSocket }
  | { ok: false; reason: string };

/**
 * Turns a fresh TCP connection into a TLS one. The first byte tells a TLS
 * client from a plain one: a plain client (a tcpcmd without --tls, nc) is
 * answered in plain text with what to do, instead of a TLS alert it cannot
 * read. The whole handshake must finish within `timeoutMs` (0: no limit).
 */
export function upgradeToTls(raw: net.Socket, serverTls: ServerTls, timeoutMs: number): Promise<Upgrade> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Upgrade): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result.ok) raw.destroy();
      resolve(result);
    };
    const timer = timeoutMs > 0 ? setTimeout(() => done({ ok: false, reason: `no TLS handshake within ${timeoutMs} ms` }), timeoutMs) : undefined;
    raw.on('error', () => done({ ok: false, reason: 'the connection failed before the TLS handshake' }));
    raw.once('close', () => done({ ok: false, reason: 'the client left before the TLS handshake' }));
    raw.once('readable', () => {
      const first = raw.read() as Buffer | null;
      if (first === null || settled) return;
      if (first[0] !== TLS_HANDSHAKE) {
        answerPlainClient(raw, first);
        settled = true;
        clearTimeout(timer);
        resolve({ ok: false, reason: 'a plain-text client on the TLS listener (told to use --tls)' });
        return;
      }
      raw.unshift(first); // the TLS socket reads what is buffered first
      const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: serverTls.context });
      secure.on('error', (err) => done({ ok: false, reason: `TLS handshake failed: ${err.message}` }));
      secure.once('secure', () => {
        secure.removeAllListeners('error');
        secure.on('error', () => {}); // the session adds its own; never an unhandled 'error'
        done({ ok: true, socket: secure });
      });
    });
  });
}

function answerPlainClient(raw: net.Socket, first: Buffer): void {
  const message = 'this server only speaks TLS: connect with --tls (and --ca FILE or --fingerprint as its start-up log shows)';
  const inline = first[0] !== 0x7b; // not `{`: a person with nc
  raw.on('error', () => {});
  raw.end(inline ? `[error TLS_ERROR] ${message}\n` : encodeFrame({ type: 'error', code: ErrorCode.TLS_ERROR, message, fatal: true }));
  setTimeout(() => raw.destroy(), 1_000).unref();
}
