import {
  ErrorCode,
  Feature,
  PROTOCOL_VERSION,
  TcpcmdError,
  VERSION,
  encodeFrame,
  formatAddress,
  parseAddress,
  type Address,
  type ServerHello,
  type ServerMessage,
} from '../protocol/index.js';
import { Connection, type FrameFeed } from './connection.js';
import { readFrames } from './frame-reader.js';
import { trustOnFirstUse, UntrustedServerError } from './server-trust.js';
import { openSocket } from './socket.js';
import type { ConnectOptions } from './types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to a tcpcmd server and completes the handshake (hello, auth when the
 * server asks for it). Rejects with a TcpcmdError: CONNECT_FAILED, TLS_ERROR,
 * AUTH_REQUIRED, AUTH_FAILED, PROTOCOL_ERROR, or the server's own refusal
 * (PROTECTED_MODE, TOO_MANY_SESSIONS, ...).
 */
export async function connect(target: string | Address, options: ConnectOptions = {}): Promise<Connection> {
  const address = typeof target === 'string' ? parseAddress(target) : target;
  try {
    return await connectOnce(address, options);
  } catch (err) {
    // A TLS server seen for the first time: ask (with no timer running and no connection held open), then connect again.
    const known = typeof options.tls === 'object' ? options.tls.knownHosts : undefined;
    if (!(err instanceof UntrustedServerError) || !known?.confirm) throw err;
    if (!(await trustOnFirstUse(err.question, known))) {
      throw new TcpcmdError(ErrorCode.TLS_ERROR, `certificate verification failed: ${err.question.where} was not accepted (its SHA-256 fingerprint is ${err.question.fingerprint})`);
    }
    return connectOnce(address, options);
  }
}

// size-allowance: the handshake as one state machine over the frames; to split: the hello/auth/ready steps apart from the socket set-up.
async function connectOnce(address: Address, options: ConnectOptions): Promise<Connection> {
  const where = formatAddress(address);
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const timedOut = (): TcpcmdError => new TcpcmdError(ErrorCode.CONNECT_FAILED, `cannot connect to ${where}: no answer within ${timeoutMs} ms — is the host up and is it a tcpcmd server?`);
  const abortError = (): TcpcmdError =>
    timeout.aborted ? timedOut() : new TcpcmdError(ErrorCode.INTERRUPTED, `connecting to ${where} was cancelled`);

  let socket;
  try {
    socket = await openSocket(address, options.tls, signal);
  } catch (err) {
    if (signal.aborted && !(err instanceof TcpcmdError && err.code === ErrorCode.TLS_ERROR)) throw abortError();
    throw err;
  }

  const token = options.token ?? process.env.TCPCMD_TOKEN;
  return new Promise<Connection>((resolve, reject) => {
    let connection: Connection | undefined;
    let feed: FrameFeed | undefined;
    let hello: ServerHello | undefined;
    const fail = (err: TcpcmdError): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => connection ? undefined : fail(new TcpcmdError(ErrorCode.CONNECT_FAILED, `connection to ${where} failed during the handshake: ${err.message}`, { cause: err })));
    socket.on('close', () => connection ? undefined : fail(new TcpcmdError(ErrorCode.CONNECT_FAILED, `${where} closed the connection during the handshake without saying why: it may be at its connection limit (try again in a moment)${options.tls ? '' : ', or it speaks TLS (then add --tls)'}`)));

    const onFrame = (message: ServerMessage): void => {
      if (feed) return feed.frame(message);
      if (message.type === 'error') {
        const hint = message.code === ErrorCode.AUTH_FAILED ? ' (check TCPCMD_TOKEN or --token-file: it must be the server\'s token)' : '';
        return fail(new TcpcmdError(message.code, `${where}: ${message.message}${hint}`));
      }
      if (message.type === 'hello' && !hello) {
        if (message.protocol !== PROTOCOL_VERSION) {
          return fail(new TcpcmdError(ErrorCode.PROTOCOL_VERSION, `${where} speaks protocol ${message.protocol}, this client ${PROTOCOL_VERSION}: use matching tcpcmd versions`));
        }
        hello = message;
        if (message.auth === 'token') {
          if (!token) return fail(new TcpcmdError(ErrorCode.AUTH_REQUIRED, `${where} requires a token: set TCPCMD_TOKEN (or pass --token-file FILE, or give the target a token_env) to the server's token`));
          // node:crypto loads only for servers that ask for a token.
          void import('../protocol/auth.js').then(({ authProof }) => socket.write(encodeFrame({ type: 'auth', hmac: authProof(token, message.nonce) })));
        }
        return;
      }
      if (message.type === 'ready' && hello) {
        signal.removeEventListener('abort', onAbort);
        connection = new Connection(socket, {
          protocol: hello.protocol,
          server: hello.server,
          hostname: hello.hostname,
          auth: hello.auth,
          session: message.session,
          commands: message.commands,
          features: hello.features ?? [],
          address: where,
        }, (f) => (feed = f));
        return resolve(connection);
      }
      fail(new TcpcmdError(ErrorCode.PROTOCOL_ERROR, `${where} sent ${message.type} during the handshake`));
    };
    readFrames(socket, where, onFrame, (err) => (feed ? feed.end(err) : fail(err)));
    socket.write(encodeFrame({ type: 'hello', protocol: PROTOCOL_VERSION, client: options.clientName ?? `tcpcmd/${VERSION}`, features: [Feature.DATA, Feature.BYTES, Feature.STDIN] }));
  });
}
