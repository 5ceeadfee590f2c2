import net from 'node:net';
import tls from 'node:tls';
import { ErrorCode, TcpcmdError, formatAddress, type Address } from '../protocol/index.js';
import type { TlsOptions } from './types.js';

/** Opens a TCP (or TLS) connection, turning every failure into a TcpcmdError that says what to do. */
export function openSocket(address: Address, tlsOption: boolean | TlsOptions | undefined, signal: AbortSignal): Promise<net.Socket> {
  const where = formatAddress(address);
  return new Promise((resolve, reject) => {
    const tlsOpts: TlsOptions | undefined = tlsOption === true ? {} : tlsOption || undefined;
    const socket = tlsOpts
      ? tls.connect({
          host: address.host,
          port: address.port,
          ca: tlsOpts.ca,
          servername: tlsOpts.servername ?? (net.isIP(address.host) ? undefined : address.host),
          // With a pinned fingerprint the pin is the trust anchor, checked below.
          rejectUnauthorized: tlsOpts.fingerprint === undefined,
        })
      : net.connect({ host: address.host, port: address.port });
    const ready = tlsOpts ? 'secureConnect' : 'connect';
    const onAbort = (): void => fail(signal.reason instanceof TcpcmdError ? signal.reason : new TcpcmdError(ErrorCode.CONNECT_FAILED, `gave up connecting to ${where}`));
    const cleanup = (): void => {
      signal.removeEventListener('abort', onAbort);
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
      fail(new TcpcmdError(ErrorCode.CONNECT_FAILED, `${where} closed the connection while connecting${tlsOpts ? ' (is it a TLS server? drop --tls if not)' : ''}`));
    }
    function onReady(): void {
      if (tlsOpts?.fingerprint !== undefined) {
        const got = normalizeFingerprint((socket as tls.TLSSocket).getPeerCertificate().fingerprint256 ?? '');
        if (got !== normalizeFingerprint(tlsOpts.fingerprint)) {
          fail(new TcpcmdError(ErrorCode.TLS_ERROR, `the certificate of ${where} has fingerprint ${got}, not the pinned ${normalizeFingerprint(tlsOpts.fingerprint)}: refusing to talk to it (if the server's certificate changed on purpose, update the pin)`));
          return;
        }
      }
      cleanup();
      resolve(socket);
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once(ready, onReady);
    socket.once('close', onClose);
  });
}

export function normalizeFingerprint(text: string): string {
  return text.replace(/[^0-9a-f]/gi, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

function connectError(err: unknown, where: string, usingTls: boolean): TcpcmdError {
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = e.code ?? '';
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
        return `${where} reset the connection while connecting${usingTls ? ' (is it a TLS server? drop --tls if not)' : ''}`;
      default:
        return `cannot connect to ${where}: ${e.message}`;
    }
  })();
  if (usingTls && (code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'ERR_TLS_CERT_ALTNAME_INVALID')) {
    return new TcpcmdError(ErrorCode.TLS_ERROR, `TLS with ${where} failed: ${e.message} (${code}). Trust the server's certificate with --ca FILE, or pin it with --fingerprint`, { cause: err });
  }
  return new TcpcmdError(ErrorCode.CONNECT_FAILED, message, { cause: err });
}
