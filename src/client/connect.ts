import {
  ErrorCode,
  Feature,
  HANDSHAKE_MAX_FRAME,
  PROTOCOL_VERSION,
  TcpcmdError,
  VERSION,
  encodeFrame,
  formatAddress,
  parseAddress,
  encodeRunFrame,
  type Address,
  type ErrorFrame,
  type ReadyFrame,
  type ServerHello,
  type ServerMessage,
} from '../protocol/index.js';
import { whenAborted } from './abort-waiters.js';
import { AttemptStop } from './attempt-stop.js';
import { Connection, type FrameFeed } from './connection.js';
import { FrameReader } from './frame-reader.js';
import { trustOnFirstUse, UntrustedServerError } from './server-trust.js';
import { openSocket } from './socket.js';
import type { ConnectOptions, RunOptions, RunResult, ServerInfo } from './types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to a tcpcmd server and completes the handshake (hello, auth when the
 * server asks for it). Rejects with a TcpcmdError: CONNECT_FAILED, TLS_ERROR,
 * AUTH_REQUIRED, AUTH_FAILED, PROTOCOL_ERROR, or the server's own refusal
 * (PROTECTED_MODE, TOO_MANY_SESSIONS, ...).
 */
export async function connect(target: string | Address, options: ConnectOptions = {}): Promise<Connection> {
  return (await connectWith(target, options)).connection;
}

/**
 * Connects and runs one command sent with the handshake, as the hello's (or
 * the auth's) next frame instead of after the server's ready: its answer
 * comes a round trip sooner, and each side reads and writes once less — what
 * one command on a thousand servers (`exec --targets`) is mostly made of.
 * Rejects as connect() does; the run's result is then a run's result.
 */
export async function connectAndRun(target: string | Address, cmd: string, runOptions: RunOptions, options: ConnectOptions = {}): Promise<{ connection: Connection; result: Promise<RunResult> }> {
  const opened = await connectWith(target, options, { cmd, options: runOptions });
  return { connection: opened.connection, result: opened.result ?? opened.connection.run(cmd, runOptions) };
}

interface FirstRun {
  cmd: string;
  options: RunOptions;
}

interface Opened {
  connection: Connection;
  /** The first run's result, when it went with the handshake. */
  result?: Promise<RunResult>;
}

/**
 * Tries a connection turned away before anything ran takes: a server under a
 * connection flood closes a connection it has not heard from yet, or refuses
 * with TOO_MANY_SESSIONS, to make room (docs/security.md); ssh's
 * ConnectionAttempts, on by default here.
 */
export const CONNECT_ATTEMPTS = 6;

/** Errors of a connection closed or refused before the server read anything of it: trying again runs nothing twice. */
const turnedAway = new WeakSet<TcpcmdError>();

async function connectWith(target: string | Address, options: ConnectOptions, first?: FirstRun): Promise<Opened> {
  const address = typeof target === 'string' ? parseAddress(target) : target;
  try {
    return await connectAttempts(address, options, first);
  } catch (err) {
    // A TLS server seen for the first time: ask (with no timer running and no connection held open), then connect again.
    const known = typeof options.tls === 'object' ? options.tls.knownHosts : undefined;
    if (!(err instanceof UntrustedServerError) || !known?.confirm) throw err;
    if (!(await trustOnFirstUse(err.question, known))) {
      throw new TcpcmdError(ErrorCode.TLS_ERROR, `certificate verification failed: ${err.question.where} was not accepted (its SHA-256 fingerprint is ${err.question.fingerprint})`);
    }
    return connectOnce(address, options, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, first);
  }
}

/**
 * Marks a handshake's error as worth another attempt: a close before the
 * server's hello (it answers a hello at once, so it read nothing of this
 * connection), or a TOO_MANY_SESSIONS refusal (before any command).
 */
function markTurnedAway(turned: boolean, err: TcpcmdError): TcpcmdError {
  if (turned) turnedAway.add(err);
  return err;
}

/** Up to CONNECT_ATTEMPTS connections, a short random pause apart, while the server turns them away unheard and the connect timeout is not spent. */
async function connectAttempts(address: Address, options: ConnectOptions, first?: FirstRun): Promise<Opened> {
  const until = performance.now() + (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      // Every attempt within the one --connect-timeout: a retry gets what is left of it, not a fresh one.
      return await connectOnce(address, options, Math.max(1, until - performance.now()), first);
    } catch (err) {
      const pause = 50 + Math.random() * 150 * attempt;
      if (!(err instanceof TcpcmdError) || !turnedAway.has(err) || attempt >= CONNECT_ATTEMPTS || options.signal?.aborted || performance.now() + pause >= until) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A connection's deadline and the caller's signal in one: a timer and an AttemptStop (AbortSignal.any and .timeout, then a controller per attempt, cost a tenth of a fan-out's CPU). */
async function connectOnce(address: Address, options: ConnectOptions, timeoutMs: number, first?: FirstRun): Promise<Opened> {
  const stop = new AttemptStop();
  const timer = setTimeout(() => stop.stop('timeout'), timeoutMs);
  const { signal } = options;
  const unwait = signal && !signal.aborted ? whenAborted(signal, () => stop.stop('cancelled')) : undefined;
  if (signal?.aborted) stop.stop('cancelled');
  try {
    return await handshake(address, options, first, stop);
  } finally {
    clearTimeout(timer);
    unwait?.();
  }
}

async function handshake(address: Address, options: ConnectOptions, first: FirstRun | undefined, stop: AttemptStop): Promise<Opened> {
  const where = formatAddress(address);
  const abortError = (): TcpcmdError => (stop.reason === 'timeout'
    ? new TcpcmdError(ErrorCode.CONNECT_FAILED, `cannot connect to ${where}: no answer within ${options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms — is the host up and is it a tcpcmd server?`)
    : new TcpcmdError(ErrorCode.INTERRUPTED, `connecting to ${where} was cancelled`));

  const { socket, reads } = await openSocket(address, options.tls, stop).catch((err: unknown) => {
    throw stop.stopped && !(err instanceof TcpcmdError && err.code === ErrorCode.TLS_ERROR) ? abortError() : err;
  });

  const token = options.token ?? process.env.TCPCMD_TOKEN;
  const pipelined = pipelinedRun(first);
  let sent = false;
  return new Promise<Opened>((resolve, reject) => {
    let connection: Connection | undefined;
    let hello: ServerHello | undefined;
    const fail = (err: TcpcmdError): void => {
      stop.onStop(undefined);
      socket.destroy();
      reject(err);
    };
    if (stop.stopped) return fail(abortError());
    stop.onStop(() => fail(abortError()));
    const unheard = (err: TcpcmdError): TcpcmdError => markTurnedAway(!hello && !options.tls, err);
    socket.on('error', (err) => connection ? undefined : fail(unheard(new TcpcmdError(ErrorCode.CONNECT_FAILED, `connection to ${where} failed during the handshake: ${err.message}`, { cause: err }))));
    socket.on('close', () => connection ? undefined : fail(unheard(new TcpcmdError(ErrorCode.CONNECT_FAILED, `${where} closed the connection during the handshake without saying why: it may be at its connection limit (try again in a moment)${options.tls ? '' : ', or it speaks TLS (then add --tls)'}`))));

    const onFrame = (message: ServerMessage): void => {
      if (message.type === 'error') return fail(markTurnedAway(message.code === ErrorCode.TOO_MANY_SESSIONS, refusal(message, where)));
      if (message.type === 'hello' && !hello) {
        const refused = helloRefusal(message, where, token);
        if (refused) return fail(refused);
        hello = message;
        if (message.auth === 'token' && token) {
          // node:crypto loads only for servers that ask for a token.
          void import('../protocol/auth.js').then(({ authProof }) => {
            sent = pipelined !== undefined;
            socket.write(encodeFrame({ type: 'auth', hmac: authProof(token, message.nonce) }) + (pipelined ?? ''));
          });
        }
        return;
      }
      if (message.type === 'ready' && hello) {
        stop.onStop(undefined);
        connection = new Connection(socket, serverInfo(hello, message, where), handOver(reader));
        if (!first) return resolve({ connection });
        // Tracked before the frames after ready (its output) are read.
        return resolve({ connection, result: sent ? connection.trackSent(first.cmd, first.options) : connection.run(first.cmd, first.options) });
      }
      fail(new TcpcmdError(ErrorCode.PROTOCOL_ERROR, `${where} sent ${message.type} during the handshake`));
    };
    const reader = new FrameReader(reads, where, onFrame, fail);
    const ours = encodeFrame({ type: 'hello', protocol: PROTOCOL_VERSION, client: options.clientName ?? `tcpcmd/${VERSION}`, features: [Feature.DATA, Feature.BYTES, Feature.STDIN, Feature.DONE_OUTPUT] });
    // Without a token the server needs no auth (or refuses us whatever we send): the run goes with the hello.
    sent = pipelined !== undefined && !token;
    socket.write(ours + (sent ? pipelined : ''));
  });
}

/** Why the server's hello ends the handshake: another protocol, or a token asked for and none given. */
function helloRefusal(hello: ServerHello, where: string, token: string | undefined): TcpcmdError | undefined {
  if (hello.protocol !== PROTOCOL_VERSION) {
    return new TcpcmdError(ErrorCode.PROTOCOL_VERSION, `${where} speaks protocol ${hello.protocol}, this client ${PROTOCOL_VERSION}: use matching tcpcmd versions`);
  }
  if (hello.auth === 'token' && !token) {
    return new TcpcmdError(ErrorCode.AUTH_REQUIRED, `${where} requires a token: set TCPCMD_TOKEN (or pass --token-file FILE, or give the target a token_env) to the server's token`);
  }
  return undefined;
}

function serverInfo(hello: ServerHello, ready: ReadyFrame, where: string): ServerInfo {
  return {
    protocol: hello.protocol,
    server: hello.server,
    hostname: hello.hostname,
    auth: hello.auth,
    session: ready.session,
    commands: ready.commands,
    features: hello.features ?? [],
    address: where,
  };
}

/**
 * The first run's frame, to go with the last frame of the handshake (the
 * hello, or the auth). Frames before ready must fit the server's handshake
 * limit; a run with stdin waits for ready, whose features say whether the
 * server takes it.
 */
function pipelinedRun(first: FirstRun | undefined): string | undefined {
  const early = first && !first.options.stdin ? encodeRunFrame(1, first.cmd, first.options) : undefined;
  return early !== undefined && Buffer.byteLength(early) < HANDSHAKE_MAX_FRAME ? early : undefined;
}

/** The server's refusal during the handshake, said with where, and what to check for a wrong token. */
function refusal(message: ErrorFrame, where: string): TcpcmdError {
  const hint = message.code === ErrorCode.AUTH_FAILED ? " (check TCPCMD_TOKEN or --token-file: it must be the server's token)" : '';
  return new TcpcmdError(message.code, `${where}: ${message.message}${hint}`);
}

/** From the next frame on, the reader hands its frames straight to the connection's feed. */
function handOver(reader: FrameReader): (feed: FrameFeed) => void {
  return (feed) => {
    reader.onFrame = feed.frame;
    reader.onError = feed.end;
  };
}
