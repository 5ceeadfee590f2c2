import { EventEmitter } from 'node:events';
import net from 'node:net';
import { hostname } from 'node:os';
import { ErrorCode, TcpcmdError, formatAddress, type Address, type ErrorInfo, errorMessage } from '../protocol/index.js';
import { randomHex } from '../protocol/auth.js';
import { builtinCommands } from './builtins/index.js';
import type { Command } from './command.js';
import { silentLogger, type LogEvent, type Logger } from './log.js';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './options.js';
import { PolicyCheck } from './policy.js';
import { AuthPenalties } from './auth-penalty.js';
import { Admission } from './admission.js';
import type { HandshakeTicket } from './handshake-gate.js';
import { CommandRegistry } from './registry.js';
import { Session } from './session.js';
import type { SessionHost } from './session-host.js';
import { startupNotices } from './startup-notices.js';
import { loadServerTls, type ServerTls } from './tls-upgrade.js';

/**
 * The tcpcmd server: a listener and its sessions. `reset()` closes every
 * session and re-opens the listener on the same address; `close()` stops
 * gracefully (new runs refused, running ones get a grace period).
 */
export class TcpcmdServer extends EventEmitter implements SessionHost<Session> {
  readonly options: ResolvedServeOptions;
  readonly registry: CommandRegistry;
  readonly policy: PolicyCheck;
  readonly logger: Logger;
  readonly hostname = hostname();
  readonly penalties: AuthPenalties;
  /** Who gets in: refusals before the handshake, the handshake budget, TLS. */
  private readonly admission: Admission;
  /** Sessions through the handshake: what --max-sessions counts. */
  private established = 0;
  private listener: net.Server | undefined;
  private readonly sessions = new Set<Session>();
  private readonly serverTls: ServerTls | undefined;
  private announced = false;
  private bound: Address | undefined;
  private stopping: Promise<void> | undefined;
  private resetting: Promise<void> | undefined;
  private readonly offered: readonly Command[];
  private readonly offeredNames: string[];
  /** Set when the server stopped because of a failure (a reset that could not re-open the port), not on request. */
  failure: unknown;

  constructor(options: ServeOptions = {}) {
    super();
    this.options = resolveServeOptions(options);
    this.logger = options.logger ?? silentLogger;
    this.registry = new CommandRegistry(options.commands ?? builtinCommands);
    this.policy = new PolicyCheck(this.options.policy);
    this.offered = this.registry.commands.filter((c) => this.policy.offers(c));
    this.offeredNames = new CommandRegistry(this.offered).names();
    this.serverTls = this.options.tls ? loadServerTls(this.options.tls) : undefined;
    this.penalties = new AuthPenalties(options.authPenalties);
    this.admission = new Admission({
      options: this.options,
      penalties: this.penalties,
      closing: () => Boolean(this.stopping || this.resetting),
      established: () => this.established,
      startSession: (socket, isTls, ticket) => this.startSession(socket, isTls, ticket),
    }, this.logger, this.serverTls);
  }

  /** SHA-256 fingerprint of the TLS certificate (`AB:CD:…`), for clients to pin; undefined without TLS. */
  get fingerprint(): string | undefined {
    return this.serverTls?.fingerprint;
  }

  /** Starts listening; resolves with the address actually bound (port 0 becomes a real port). */
  async listen(): Promise<Address> {
    const port = this.bound?.port ?? this.options.port;
    // Half-open: a client that closes its sending side (`echo os | nc`) still gets its answers.
    const listener = net.createServer({ allowHalfOpen: true }, (raw) => this.admission.accept(raw));
    listener.maxConnections = this.admission.maxConnections;
    listener.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) => this.admission.dropped(data));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', (err) => reject(listenError(err, this.options.host, port)));
      listener.listen({ host: this.options.host, port }, () => resolve());
    });
    listener.removeAllListeners('error');
    // e.g. EMFILE when out of file descriptors: say so and go on serving the sessions there are.
    listener.on('error', (err) => this.report(err));
    this.listener = listener;
    const info = listener.address() as net.AddressInfo;
    this.bound = { host: info.address, port: info.port };
    this.logger.log({
      event: 'listening', address: formatAddress(this.bound), tls: Boolean(this.serverTls), auth: this.options.token !== undefined,
      ...(this.serverTls ? { fingerprint: this.serverTls.fingerprint } : {}),
    });
    if (!this.announced) {
      this.announced = true;
      for (const notice of startupNotices(this.options, this.bound)) this.logger.log(notice);
    }
    return this.bound;
  }

  /** The bound address (after `listen`). */
  address(): Address {
    if (!this.bound) throw new TcpcmdError(ErrorCode.USAGE, 'the server is not listening yet');
    return this.bound;
  }

  /** Sessions open, those still in the handshake included. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Connections that have not finished the handshake (TLS handshakes included). */
  get handshakeCount(): number {
    return this.admission.handshakes;
  }

  // ---- SessionHost ----------------------------------------------------------

  offeredCommands(): readonly Command[] {
    return this.offered;
  }

  commandNames(): string[] {
    return this.offeredNames;
  }

  requestReset(): void {
    void this.reset().catch((err: unknown) => this.report(err));
  }

  /** A server-level failure: logged, and emitted as 'error' only to whoever listens (never an uncaught throw). */
  private report(err: unknown): void {
    this.logger.log({ event: 'warning', message: `server error: ${errorMessage(err)}` });
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  requestKill(): void {
    void this.close('kill command');
  }

  sessionReady(session: Session): ErrorInfo | undefined {
    const { maxSessions } = this.options.limits;
    if (this.established >= maxSessions) return { code: ErrorCode.TOO_MANY_SESSIONS, message: `the server already has ${maxSessions} sessions open; try again later` };
    this.established++;
    this.logger.log({ event: 'connect', session: session.info.id, peer: session.peer });
    return undefined;
  }

  sessionClosed(session: Session): void {
    this.sessions.delete(session);
    if (session.established) {
      this.established--;
      this.logger.log({ event: 'disconnect', session: session.info.id, peer: session.peer, reason: session.closeReason });
    } else {
      const address = session.info.remoteAddress || '?';
      this.admission.repeats.note(address, 'closed in the handshake', { event: 'disconnect', session: session.info.id, peer: session.peer, reason: `before the handshake was done: ${session.closeReason}` });
    }
  }

  logRepeated(address: string, what: string, event: LogEvent): void {
    this.admission.repeats.note(address || '?', what, event);
  }

  // ---- lifecycle ------------------------------------------------------------

  private startSession(socket: net.Socket, isTls: boolean, ticket: HandshakeTicket): Session {
    const session = new Session(socket, this, randomHex(4), isTls, ticket);
    this.sessions.add(session);
    return session;
  }

  /** Closes every session (telling each why) and re-opens the listener on the same address. */
  reset(): Promise<void> {
    this.resetting ??= (async () => {
      const count = this.sessions.size;
      const closing = [...this.sessions].map((s) => {
        s.close({ code: ErrorCode.SESSION_RESET, message: 'the server was reset; reconnect to go on' });
        return s.closed;
      });
      await this.closeListener();
      await Promise.all(closing);
      try {
        if (!this.stopping) await this.listen();
      } catch (err) {
        // Without a listener the server serves no one: stop, and keep the cause for whoever runs it.
        this.failure = err;
        this.report(err);
        this.resetting = undefined;
        await this.close('reset could not re-open the listener');
        return;
      }
      this.resetting = undefined;
      if (this.stopping) {
        await this.closeListener(); // close() came while the listener re-opened
        return;
      }
      this.logger.log({ event: 'reset', sessions: count });
      this.emit('reset');
    })();
    return this.resetting;
  }

  /**
   * Stops gracefully: no new connections, waiting runs answered
   * SERVER_SHUTTING_DOWN, running ones given `shutdownGraceMs` to finish.
   */
  close(reason = 'stopped'): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.log({ event: 'shutdown', reason });
      const info: ErrorInfo = { code: ErrorCode.SERVER_SHUTTING_DOWN, message: `the server is shutting down (${reason})` };
      const listenerClosed = this.closeListener();
      await Promise.all([...this.sessions].map(async (s) => {
        await s.drain(info, this.options.limits.shutdownGraceMs);
        await s.closed;
      }));
      await listenerClosed;
      this.admission.repeats.flush();
      this.emit('close');
    })();
    return this.stopping;
  }

  private async closeListener(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.admission.destroyPending();
    if (!listener?.listening) return;
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

function listenError(err: unknown, host: string, port: number): TcpcmdError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = formatAddress({ host, port });
  if (code === 'EADDRINUSE') return new TcpcmdError(ErrorCode.USAGE, `cannot listen on ${where}: the port is in use; pick another with --port (0 picks a free one)`, { cause: err });
  if (code === 'EADDRNOTAVAIL') return new TcpcmdError(ErrorCode.USAGE, `cannot listen on ${where}: this machine has no such address; check --host`, { cause: err });
  if (code === 'EACCES') return new TcpcmdError(ErrorCode.USAGE, `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`, { cause: err });
  return new TcpcmdError(ErrorCode.IO_ERROR, `cannot listen on ${where}: ${errorMessage(err)}`, { cause: err });
}

/** Creates a server and starts listening. */
export async function serve(options: ServeOptions = {}): Promise<TcpcmdServer> {
  const server = new TcpcmdServer(options);
  await server.listen();
  return server;
}
