import type net from 'node:net';
import { ErrorCode, encodeFrame, type ErrorInfo } from '../protocol/index.js';
import type { AuthPenalties } from './auth-penalty.js';
import { HandshakeGate, type HandshakeTicket } from './handshake-gate.js';
import type { Logger } from './log.js';
import { RepeatedLog } from './log-repeats.js';
import type { ResolvedServeOptions } from './options.js';
import { isLoopback, peerName } from './peer.js';
import { upgradeToTls, type ServerTls } from './tls-upgrade.js';

/**
 * Sockets allowed beyond the sessions, the handshakes in progress and as
 * many again not judged yet (--max-sessions + 2 × --max-startups): room to
 * tell a refused client why (TOO_MANY_SESSIONS, PROTECTED_MODE). Past it the
 * kernel's connection is closed at once, so no flood of connections grows
 * the server's memory.
 */
export const REFUSAL_HEADROOM = 64;

/** What admission needs of the server it lets clients into. */
export interface AdmissionHost {
  readonly options: ResolvedServeOptions;
  readonly penalties: AuthPenalties;
  /** The server is stopping or resetting: no one is let in. */
  closing(): boolean;
  /** Sessions through the handshake: what --max-sessions counts. */
  established(): number;
  /** A connection let in (after TLS, when the server speaks it) becomes a session. */
  startSession(socket: net.Socket, isTls: boolean, ticket: HandshakeTicket): Refusable;
}

/** A session still in its handshake, as admission sees it: one that can be told why it must go. */
export interface Refusable {
  /** Says why in the client's own format (a JSON error frame, or a plain-text line), then closes (or, `closedByListener`, leaves that to the caller). */
  fail(code: ErrorInfo['code'], message: string, closedByListener?: boolean): void;
}

/**
 * How long a refused connection is given to say something first, so that the
 * refusal comes in its format: a JSON frame to a client whose first byte is
 * `{` (or that says nothing), a plain-text line to nc or the original client.
 * Then, or once answered, the connection is closed.
 */
export const REFUSAL_WAIT_MS = 500;

/**
 * Who gets in: the refusals said before any handshake (protected mode, an
 * address shut out after failed proofs, sessions full, the server stopping),
 * the budget of connections still in the handshake, and the TLS upgrade.
 * What it refuses is logged once per address and kind per interval.
 */
export class Admission {
  /** Connections not through the handshake yet: a budget of their own (--max-startups, --max-per-address). */
  private readonly gate: HandshakeGate;
  /** Log lines of connections that never got in, counted per address past the first. */
  readonly repeats: RepeatedLog;
  /** Sockets that are not (yet) sessions: TLS handshakes, refusals being written. Destroyed on close. */
  private readonly pending = new Set<net.Socket>();

  constructor(private readonly host: AdmissionHost, logger: Logger, private readonly serverTls: ServerTls | undefined) {
    this.gate = new HandshakeGate(host.options.limits);
    this.repeats = new RepeatedLog(logger);
  }

  /** Connections that have not finished the handshake (TLS handshakes included). */
  get handshakes(): number {
    return this.gate.size;
  }

  /** The listener's connection cap: sessions, handshakes, new connections not judged yet, and room to say no. */
  get maxConnections(): number {
    const { maxSessions, maxStartups } = this.host.options.limits;
    return maxSessions + 2 * maxStartups + REFUSAL_HEADROOM;
  }

  /** A connection the listener closed at once, past maxConnections. */
  dropped(data: { remoteAddress?: string; remotePort?: number } | undefined): void {
    const address = data?.remoteAddress ?? '?';
    this.repeats.note(address, 'dropped', { event: 'refused', peer: peerName(data), code: ErrorCode.TOO_MANY_SESSIONS, message: `dropped at once: ${this.maxConnections} connections are open` });
  }

  /** Destroys the sockets that are not sessions (the server is closing its listener). */
  destroyPending(): void {
    for (const socket of this.pending) socket.destroy();
  }

  accept(raw: net.Socket): void {
    const address = raw.remoteAddress ?? '?';
    const peer = peerName(raw);
    // Plain text: refusals that need no handshake are said at once, before the connection takes a place in the budget.
    const early = this.serverTls ? undefined : this.refusal(raw);
    if (early) return this.refuse(raw, early);
    let current = raw;
    let session: Refusable | undefined;
    // Told why, then gone for sure: a place freed must free its socket too, and a refused sender that keeps sending
    // (a megabyte of hello) is not read, so its close would not be seen: it is closed once the answer had time to leave.
    const closeSoon = (): void => void setTimeout(() => current.destroy(), REFUSAL_WAIT_MS).unref();
    const ticket = this.gate.admit(address, {
      evict: (why) => {
        // A session is told why, as any refusal (its log line is counted per address); a TLS handshake cannot be.
        if (session) {
          session.fail(ErrorCode.TOO_MANY_SESSIONS, why, true);
          return closeSoon();
        }
        this.repeats.note(address, 'closed to make room', { event: 'refused', peer, code: ErrorCode.TOO_MANY_SESSIONS, message: why });
        current.destroy();
      },
      refused: closeSoon,
    });
    raw.once('close', () => ticket.leave());
    if (!this.serverTls) return this.whenItSpeaks(raw, ticket, (started) => (session = started));
    this.pending.add(raw);
    raw.once('close', () => this.pending.delete(raw));
    void upgradeToTls(raw, this.serverTls, this.host.options.limits.authTimeoutMs).then((upgrade) => {
      this.pending.delete(raw); // a session now, or gone: no longer the listener's to destroy
      if (!upgrade.ok) {
        this.repeats.note(address, `tls-error ${upgrade.reason}`, { event: 'tls-error', peer, message: upgrade.reason });
        return;
      }
      current = upgrade.socket;
      const refusal = this.refusal(current);
      if (refusal) {
        ticket.leave();
        return this.refuse(current, refusal);
      }
      session = this.host.startSession(current, true, ticket);
    });
  }

  /**
   * A plain connection becomes a session once it sends something (every
   * tcpcmd client sends its hello at once). Until then it costs a socket and
   * one timer (and, once judged silent, a place in the handshake budget), no more: a flood of silent
   * connections that reconnect as soon as they are closed makes the server
   * accept and close sockets all day, and that must stay cheap, or real
   * clients wait behind them in the kernel's queue of connections to accept.
   * A connection silent for --auth-timeout is told AUTH_TIMEOUT, as a session.
   */
  private whenItSpeaks(raw: net.Socket, ticket: HandshakeTicket, started: (session: Refusable) => void): void {
    raw.on('error', () => {}); // 'close' follows; a vanished peer is not the server's error
    const { authTimeoutMs } = this.host.options.limits;
    const timer = authTimeoutMs > 0 ? setTimeout(() => {
      const what = this.host.options.token === undefined ? 'no hello (or first command line)' : 'no successful auth';
      const message = `${what} within ${authTimeoutMs} ms (--auth-timeout); reconnect and try again`;
      this.repeats.note(raw.remoteAddress ?? '?', ErrorCode.AUTH_TIMEOUT, { event: 'protocol-error', session: '-', peer: peerName(raw), code: ErrorCode.AUTH_TIMEOUT, message });
      raw.removeListener('readable', speaks);
      raw.end(encodeFrame({ type: 'error', code: ErrorCode.AUTH_TIMEOUT, message, fatal: true }));
      setTimeout(() => raw.destroy(), 2_000).unref();
    }, authTimeoutMs) : undefined;
    const speaks = (): void => {
      clearTimeout(timer);
      if (!raw.destroyed) started(this.host.startSession(raw, false, ticket));
    };
    raw.once('readable', speaks);
    raw.once('close', () => clearTimeout(timer));
  }

  /**
   * Tells a client why it is not let in (logged once per address and kind per
   * interval), in its format once it has said something (REFUSAL_WAIT_MS at
   * most), then closes. What it sends is read and dropped, so the close is
   * not a reset that could lose the answer on its way.
   */
  private refuse(socket: net.Socket, refusal: ErrorInfo): void {
    const address = socket.remoteAddress ?? '?';
    this.repeats.note(address, `refused ${refusal.code}`, { event: 'refused', peer: peerName(socket), code: refusal.code, message: refusal.message });
    this.pending.add(socket);
    socket.once('close', () => this.pending.delete(socket));
    socket.on('error', () => {});
    let answered = false;
    const answer = (first: Buffer | undefined): void => {
      if (answered) return;
      answered = true;
      const start = first?.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a);
      const plain = start !== undefined && start !== 0x7b;
      socket.end(plain ? `[error ${refusal.code}] ${refusal.message}\n` : encodeFrame({ type: 'error', code: refusal.code, message: refusal.message, fatal: true }));
    };
    socket.on('data', (chunk: Buffer) => answer(chunk));
    socket.once('end', () => answer(undefined));
    const timer = setTimeout(() => {
      if (answered) return socket.destroy();
      answer(undefined);
      timer.refresh(); // the answer's time to leave
    }, REFUSAL_WAIT_MS).unref();
  }

  private refusal(socket: net.Socket): ErrorInfo | undefined {
    if (this.host.closing()) return { code: ErrorCode.SERVER_SHUTTING_DOWN, message: 'the server is stopping' };
    const { token, insecure, limits } = this.host.options;
    if (token === undefined && !insecure && !isLoopback(socket.remoteAddress)) {
      return {
        code: ErrorCode.PROTECTED_MODE,
        message: 'this server has no token, so it only accepts connections from its own machine. ' +
          'To allow this one, restart it with a token (TCPCMD_TOKEN or --token-file) and connect with the same token; ' +
          'or, on a trusted network only, with --insecure',
      };
    }
    const shutOut = this.host.penalties.blockedFor(socket.remoteAddress);
    if (shutOut > 0) {
      return { code: ErrorCode.AUTH_FAILED, message: `too many failed authentications from ${socket.remoteAddress ?? 'this address'}: try again in ${Math.ceil(shutOut / 1000)} s, with the right token` };
    }
    if (this.host.established() >= limits.maxSessions) {
      return { code: ErrorCode.TOO_MANY_SESSIONS, message: `the server already has ${limits.maxSessions} sessions open; try again later` };
    }
    return undefined;
  }
}
