import type net from 'node:net';
import { ErrorCode, encodeFrame, type ErrorInfo } from '../protocol/index.js';
import type { AuthPenalties } from './auth-penalty.js';
import { HandshakeGate, isRefusal, type HandshakeTicket } from './handshake-gate.js';
import type { Logger } from './log.js';
import { RepeatedLog } from './log-repeats.js';
import type { ResolvedServeOptions } from './options.js';
import { isLoopback, peerName } from './peer.js';
import { upgradeToTls, type ServerTls } from './tls-upgrade.js';

/**
 * Sockets allowed beyond the sessions and the handshakes in progress
 * (--max-sessions + --max-startups): room to tell a refused client why
 * (TOO_MANY_SESSIONS, PROTECTED_MODE). Past it the kernel's connection is
 * closed at once, so no flood of connections grows the server's memory.
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
  startSession(socket: net.Socket, isTls: boolean, ticket: HandshakeTicket): void;
}

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

  /** The listener's connection cap: sessions, handshakes, and room to say no. */
  get maxConnections(): number {
    const { maxSessions, maxStartups } = this.host.options.limits;
    return maxSessions + maxStartups + REFUSAL_HEADROOM;
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
    const ticket = this.gate.admit(address, () => {
      this.repeats.note(address, 'closed to make room', { event: 'refused', peer, code: ErrorCode.TOO_MANY_SESSIONS, message: 'closed during the handshake to make room: it had sent nothing, or nothing whole for a while' });
      current.destroy();
    });
    if (isRefusal(ticket)) {
      if (this.serverTls) {
        this.repeats.note(address, `refused ${ticket.code}`, { event: 'refused', peer, code: ticket.code, message: ticket.message });
        raw.destroy(); // nothing can be said before TLS
        return;
      }
      return this.refuse(raw, ticket);
    }
    raw.once('close', () => ticket.leave());
    if (!this.serverTls) return this.host.startSession(raw, false, ticket);
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
      this.host.startSession(current, true, ticket);
    });
  }

  /** Tells a client why it is not let in (logged once per address and kind per interval), then closes. */
  private refuse(socket: net.Socket, refusal: ErrorInfo): void {
    const address = socket.remoteAddress ?? '?';
    this.repeats.note(address, `refused ${refusal.code}`, { event: 'refused', peer: peerName(socket), code: refusal.code, message: refusal.message });
    this.pending.add(socket);
    socket.once('close', () => this.pending.delete(socket));
    socket.on('error', () => {});
    socket.end(encodeFrame({ type: 'error', code: refusal.code, message: refusal.message, fatal: true }));
    setTimeout(() => socket.destroy(), 1_000).unref();
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
