/**
 * The server the REPL talks to now: its reconnecting session, the names it
 * goes by (servers.csv's name in the prompt, with the address in messages),
 * the commands it offers (kept for completion while disconnected), and the
 * news of its comings and goings.
 */
import type { ConnectOptions, ReconnectingConnection } from '../client/index.js';
import { ErrorCode, TcpcmdError, VERSION, errorMessage, formatAddress, isTcpcmdError } from '../protocol/index.js';
import { targetLabel } from './batch-api.js';
import type { PromptStreams } from './enquire.js';
import type { ReplOptions } from './options.js';
import { askToken } from './prompt-token.js';
import type { Screen } from './screen.js';
import { openSession, type Target } from './session.js';

/** One line for an error: its message — without the `host:port: ` the client puts first, when the REPL says where already — and code. */
export function describe(err: unknown, where?: string): string {
  if (!isTcpcmdError(err)) return errorMessage(err);
  const message = where !== undefined && err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message;
  return `${message} (${err.code})`;
}

/** Rejects with INTERRUPTED when `signal` fires first (Ctrl+C while waiting for a reconnect). */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new TcpcmdError(ErrorCode.INTERRUPTED, 'interrupted while connecting'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class ServerLink {
  session: ReconnectingConnection | undefined;
  /** The server's name (servers.csv's, else host:port): the prompt and the transcript's target. */
  where = '';
  /** `web-b (10.0.0.5:10000)`: for messages. */
  label = '';
  /** host:port of the current server. */
  address = '';
  /** The server's commands, kept from the last connection for completion while disconnected. */
  commands: readonly string[] = [];
  /** The server closed the session for idleness: the next command reconnects. */
  private idle = false;

  constructor(
    private readonly options: ReplOptions,
    readonly env: NodeJS.ProcessEnv,
    private readonly screen: Screen,
    private readonly streams: PromptStreams,
  ) {}

  /** Connects to `target` (asking for its token on a terminal); the session is not in use until `use`. */
  open(target: Target): Promise<ReconnectingConnection> {
    const { terminal, signal, reconnect } = this.options;
    return openSession(target, {
      connectOptions: this.connectOptions(),
      env: this.env,
      ...(terminal ? { askToken: (where: string, again: boolean) => this.screen.suspendFor(() => askToken(this.streams, where, again)) } : {}),
      ...(reconnect ? { reconnect } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * The caller's connect options, named as the REPL, with any question they
   * ask (trusting a new TLS server) asked while the line editor steps aside.
   */
  connectOptions(): ConnectOptions {
    const options: ConnectOptions = { clientName: `tcpcmd-repl/${VERSION}`, ...this.options.connectOptions };
    const tls = options.tls;
    const confirm = typeof tls === 'object' ? tls.knownHosts?.confirm : undefined;
    if (typeof tls === 'object' && tls.knownHosts && confirm) {
      options.tls = { ...tls, knownHosts: { ...tls.knownHosts, confirm: (question) => this.screen.suspendFor(() => confirm(question)) } };
    }
    return options;
  }

  /** Makes `session` the current one and listens to its comings and goings; the one before is closed. */
  async use(session: ReconnectingConnection, target: Target): Promise<void> {
    const old = this.session;
    old?.removeAllListeners();
    const address = formatAddress(target.address);
    // servers.csv's name in the prompt and the transcript; with the address in messages.
    const label = targetLabel({ name: target.name ?? address, key: address });
    this.session = session;
    this.where = target.name ?? address;
    this.label = label;
    this.address = address;
    this.commands = session.connection?.info.commands ?? [];
    const { paint } = this.screen;
    this.idle = false;
    session.on('disconnected', (err) => {
      this.idle = err.code === ErrorCode.IDLE_TIMEOUT;
      this.refreshPrompt();
      // An idle close is the server's choice, not a loss: no reconnecting until there is something to send.
      if (err.code === ErrorCode.IDLE_TIMEOUT) this.screen.say(paint.dim(`${label} closed the connection: ${describe(err, address)}; your next command reconnects`));
      else this.screen.say(paint.yellow(`connection to ${label} lost: ${describe(err, address)}; reconnecting…`));
    });
    session.on('reconnected', (conn) => {
      this.idle = false;
      this.commands = conn.info.commands;
      this.refreshPrompt();
      this.screen.say(paint.green(`reconnected to ${label}`));
    });
    session.on('stopped', (err) => {
      this.screen.say(paint.red(`cannot reconnect to ${label}: ${describe(err, address)}; the next command tries again, or .connect elsewhere`));
    });
    await old?.close().catch(() => undefined);
  }

  /** `connected to web-b (10.0.0.5:10000) (tcpcmd 1.0 on web-b)`. */
  connectedLine(): string {
    const info = this.session?.connection?.info;
    return `connected to ${this.label}${info ? ` (${info.server} on ${info.hostname})` : ''}`;
  }

  refreshPrompt(): void {
    this.screen.setPrompt(this.where, this.session?.connection !== undefined ? 'connected' : this.idle ? 'idle' : 'disconnected');
  }

  async close(): Promise<void> {
    await this.session?.close().catch(() => undefined);
  }
}
