import { EventEmitter } from 'node:events';
import { ErrorCode, TcpcmdError, isTcpcmdError, errorMessage } from '../protocol/index.js';
import type { Connection } from './connection.js';
import { FINAL_CONNECT_ERRORS } from './final-errors.js';

/** Opens a fresh connection to the same place (e.g. `(signal) => connect(address, { ...options, signal })`). */
export type Opener = (signal: AbortSignal) => Promise<Connection>;

export interface ReconnectOptions {
  /** First wait after a loss, doubled after each failed try. Default 100 ms. */
  minDelayMs?: number;
  /** Longest wait between tries. Default 5,000 ms. */
  maxDelayMs?: number;
}

function asTcpcmdError(err: unknown): TcpcmdError {
  if (isTcpcmdError(err)) return err;
  return new TcpcmdError(ErrorCode.CONNECT_FAILED, errorMessage(err), { cause: err });
}

/**
 * A connection that comes back. When the server goes away (reset, restart, a
 * network blip) it says so (`disconnected`), reconnects in the background with
 * exponential backoff, and says so again (`reconnected`). `ready()` gives the
 * live connection, or tries once more at once, so the next command works as
 * soon as the server does. A connection the server closed for idleness
 * (`--idle-timeout`, IDLE_TIMEOUT) is not reopened in the background: the
 * next `ready()` reopens it. Runs in flight when the connection is lost are
 * rejected by the Connection itself; nothing is re-sent (a command may have
 * side effects).
 */
export class ReconnectingConnection extends EventEmitter<{
  disconnected: [TcpcmdError];
  reconnected: [Connection];
  /** Background tries stopped on an answer waiting will not change (auth, TLS, ...). */
  stopped: [TcpcmdError];
}> {
  private current: Connection | undefined;
  private attempt: Promise<Connection> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private ended = false;
  private readonly abort = new AbortController();
  private readonly minDelay: number;
  private readonly maxDelay: number;

  constructor(first: Connection, private readonly open: Opener, options: ReconnectOptions = {}) {
    super();
    this.minDelay = options.minDelayMs ?? 100;
    this.maxDelay = Math.max(this.minDelay, options.maxDelayMs ?? 5_000);
    this.delay = this.minDelay;
    this.adopt(first);
  }

  /** The live connection, if any. */
  get connection(): Connection | undefined {
    return this.current && !this.current.closed ? this.current : undefined;
  }

  /** The live connection, or one more try right now (rejecting with its error). */
  ready(): Promise<Connection> {
    if (this.ended) return Promise.reject(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the connection was closed'));
    const live = this.connection;
    return live ? Promise.resolve(live) : this.tryNow(false);
  }

  /** Stops reconnecting and closes the connection politely. */
  async close(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    this.abort.abort(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the connection was closed'));
    await this.current?.close();
  }

  private tryNow(background: boolean): Promise<Connection> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.attempt ??= this.open(this.abort.signal).then(
      (conn) => {
        this.attempt = undefined;
        if (this.ended) {
          void conn.close();
          throw new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the connection was closed');
        }
        this.delay = this.minDelay;
        this.adopt(conn);
        this.emit('reconnected', conn);
        return conn;
      },
      (err: unknown) => {
        this.attempt = undefined;
        const error = asTcpcmdError(err);
        if (this.ended) throw error;
        // Answers that waiting will not change stop the background tries (`ready()` still tries on demand).
        if (!FINAL_CONNECT_ERRORS.has(error.code)) this.schedule();
        else if (background) this.emit('stopped', error);
        throw error;
      },
    );
    return this.attempt;
  }

  private schedule(): void {
    if (this.ended || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxDelay);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tryNow(true).catch(() => undefined); // the next try is scheduled by tryNow
    }, wait);
    this.timer.unref(); // never what keeps a process alive
  }

  private adopt(conn: Connection): void {
    this.current = conn;
    conn.once('close', (reason) => {
      // undefined: closed on purpose (close()); a replaced connection is no news.
      if (this.current !== conn || reason === undefined || this.ended) return;
      this.emit('disconnected', reason);
      // Closed for idleness: coming straight back would be idle again and closed again. `ready()` comes back when there is something to send.
      if (reason.code !== ErrorCode.IDLE_TIMEOUT) this.schedule();
    });
  }
}
