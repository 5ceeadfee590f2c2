import net from 'node:net';
import type tls from 'node:tls';
import { ErrorCode, TcpcmdError, formatAddress, type Address } from '../protocol/index.js';
import type { AttemptStop } from './attempt-stop.js';
import { checkServerCertificate } from './server-trust.js';
import { SocketReads } from './socket-reads.js';
import type { TlsOptions } from './types.js';

/** An open connection and its incoming bytes. */
export interface OpenSocket {
  socket: net.Socket;
  reads: SocketReads;
}

/** Opens a TCP (or TLS) connection, turning every failure into a TcpcmdError that says what to do. */
export async function openSocket(address: Address, tlsOption: boolean | TlsOptions | undefined, stop: AttemptStop): Promise<OpenSocket> {
  const where = formatAddress(address);
  const tlsOpts: TlsOptions | undefined = tlsOption === true ? {} : tlsOption || undefined;
  // node:tls (and OpenSSL with it) loads only for TLS connections: it is a tenth of a plain `exec`'s start-up.
  const tlsModule = tlsOpts ? (await import('node:tls')).default : undefined;
  return new Promise((resolve, reject) => {
    const plainReads = tlsOpts ? undefined : new SocketReads();
    const socket = tlsOpts && tlsModule
      ? tlsModule.connect({
          host: address.host,
          port: address.port,
          ca: tlsOpts.ca,
          servername: tlsOpts.servername ?? (net.isIP(address.host) ? undefined : address.host),
          // A pinned fingerprint or known_hosts is then the trust anchor, checked below before anything is sent.
          rejectUnauthorized: tlsOpts.fingerprint === undefined && tlsOpts.knownHosts === undefined,
        })
      : net.connect({ host: address.host, port: address.port, onread: SocketReads.onread(plainReads as SocketReads) });
    const reads = plainReads ?? SocketReads.fromEvents(socket);
    const ready = tlsOpts ? 'secureConnect' : 'connect';
    const onStop = (): void => fail(new TcpcmdError(ErrorCode.CONNECT_FAILED, `gave up connecting to ${where}`));
    const cleanup = (): void => {
      stop.onStop(undefined);
      socket.removeListener('error', fail);
      socket.removeListener(ready, onReady);
      socket.removeListener('close', onClose);
    };
    function fail(err: unknown): void {
      cleanup();
      socket.destroy();
      reject(err instanceof TcpcmdError ? err : connectError(err, where, Boolean(tlsOpts)));
    }
    function onClose(): void {
      fail(new TcpcmdError(ErrorCode.CONNECT_FAILED, `${where} closed the connection while connecting${tlsOpts ? ' (if it is not a TLS server, drop --tls)' : ''}`));
    }
    function onReady(): void {
      if (tlsOpts) {
        try {
          checkServerCertificate(socket as tls.TLSSocket, address, tlsOpts);
        } catch (err) {
          fail(err);
          return;
        }
      }
      cleanup();
      // Frames are written whole, one write per batch: Nagle's algorithm would only hold a lone request back.
      socket.setNoDelay(true);
      resolve({ socket, reads });
    }
    if (stop.stopped) return onStop();
    stop.onStop(onStop);
    socket.once('error', fail);
    socket.once(ready, onReady);
    socket.once('close', onClose);
  });
}

/** OpenSSL's answers when what came back is not TLS at all. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ERR_SSL_RECORD_LAYER_FAILURE']);

/** Certificate verification failures (OpenSSL's X509 codes and Node's own). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

function connectError(err: unknown, where: string, usingTls: boolean): TcpcmdError {
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = e.code ?? '';
  if (usingTls && (NOT_TLS.has(code) || /wrong version number|packet length too long/i.test(e.message))) {
    return new TcpcmdError(ErrorCode.TLS_ERROR, `${where} does not speak TLS: connect without --tls`, { cause: err });
  }
  if (usingTls && (UNTRUSTED.has(code) || code.includes('CERT'))) {
    return new TcpcmdError(ErrorCode.TLS_ERROR, `the TLS certificate of ${where} is not trusted: ${e.message} (${code}). Trust it with --ca FILE (its CA, or the certificate itself), or pin it with --fingerprint`, { cause: err });
  }
  if (usingTls && (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    return new TcpcmdError(ErrorCode.TLS_ERROR, `TLS with ${where} failed: ${e.message} (${code})`, { cause: err });
  }
  const message = ((): string => {
    switch (code) {
      case 'ECONNREFUSED':
        return `cannot connect to ${where}: connection refused — is \`tcpcmd serve\` running there, on that port?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot connect to ${where}: the host name does not resolve — check the spelling`;
      case 'ETIMEDOUT':
        return `cannot connect to ${where}: timed out — is the host up, and the port open in its firewall?`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `cannot connect to ${where}: no route to the host`;
      case 'ECONNRESET':
        return `${where} reset the connection while connecting${usingTls ? ' (if it is not a TLS server, drop --tls)' : ''}`;
      default:
        return `cannot connect to ${where}: ${e.message}`;
    }
  })();
  return new TcpcmdError(ErrorCode.CONNECT_FAILED, message, { cause: err });
}
