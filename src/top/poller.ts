/**
 * One server as `tcpcmd top` watches it: its own connection, kept open
 * between polls and opened again when lost, its own timeout, its last figures
 * and a short CPU history. A poll that has not ended holds only its own row:
 * the next tick skips that server and polls the others.
 */
import type { BatchTarget } from '../batch/targets.js';
import { connectAndRun } from '../client/connect.js';
import type { Connection } from '../client/connection.js';
import { readFigures, type HostFigures } from '../client/metrics.js';
import type { ConnectOptions, RunResult } from '../client/types.js';
import { ErrorCode, TcpcmdError, VERSION, isTcpcmdError } from '../protocol/index.js';

export type Status = 'connecting' | 'up' | 'stale' | 'down' | 'auth failed';

/** One poll's figures; null where the server gave none. */
export interface Sample extends HostFigures {
  /** When the poll ended (ms since the epoch). */
  at: number;
  /** Round trip of the first answer, less the time the server spent on it. */
  rttMs: number;
}

/** What a row shows of a server at a moment. */
export interface ServerView {
  target: BatchTarget;
  /** Position in the list as given (the default order). */
  index: number;
  status: Status;
  /** Why it is not simply up: the error, how long it has been waiting, what the server did not give. */
  reason: string;
  sample: Sample | undefined;
  /** CPU % of the last polls, oldest first; null for a poll that failed. */
  history: readonly (number | null)[];
}

export interface PollerOptions {
  /** How often polls start (ms): a poll running longer than this makes the row stale. */
  intervalMs: number;
  /** Connecting plus answering longer than this (ms) is a failed poll: the connection is dropped. */
  timeoutMs: number;
  connect: ConnectOptions;
  /** CPU values kept for the sparkline. */
  historyLength: number;
}

/** The longest wait before a server that failed is tried again (ms). */
const MAX_RETRY_MS = 30_000;
/** A server that refused our token is tried again this rarely, so top never trips its lockout. */
const AUTH_RETRY_MS = 60_000;
const AUTH_CODES: ReadonlySet<string> = new Set([ErrorCode.AUTH_FAILED, ErrorCode.AUTH_REQUIRED, ErrorCode.AUTH_TIMEOUT]);

export class ServerPoller {
  private status: Status = 'connecting';
  private reason = '';
  private sample: Sample | undefined;
  private readonly history: (number | null)[] = [];
  private connection: Connection | undefined;
  private running: Promise<void> | undefined;
  private startedAt = 0;
  private failures = 0;
  private retryAt = 0;
  /** The server's uptime when this connection opened: extrapolated after, asked again on a new connection. */
  private uptimeBase: { seconds: number; at: number } | undefined;

  constructor(readonly target: BatchTarget, readonly index: number, private readonly options: PollerOptions) {}

  /**
   * Starts a poll unless one is running or a failed server waits for its
   * retry; resolves when that poll (or the running one) has ended.
   */
  poll(now = Date.now()): Promise<void> {
    if (this.running) return this.running;
    if (now < this.retryAt) return Promise.resolve();
    this.startedAt = now;
    this.running = this.pollOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  view(now = Date.now()): ServerView {
    let { status, reason } = this;
    if (this.running && (status === 'up' || status === 'connecting') && now - this.startedAt > this.options.intervalMs) {
      if (status === 'up') status = 'stale';
      reason = `no answer for ${((now - this.startedAt) / 1000).toFixed(1)} s`;
    }
    return { target: this.target, index: this.index, status, reason, sample: this.sample, history: this.history };
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    this.retryAt = Infinity;
    await c?.close();
  }

  /**
   * Connects if need be and asks for the figures, all within the timeout: a
   * timer and a promise, not an AbortController with listeners (a thousand
   * servers polled at once made a thousand of each).
   */
  private async pollOnce(): Promise<void> {
    const { timeoutMs } = this.options;
    let timedOut = false;
    let expire = (_: TcpcmdError): void => undefined;
    // The poll gives up at the timeout, whatever the server does; `failed` then drops the connection.
    const expired = new Promise<never>((_, reject) => (expire = reject));
    expired.catch(() => undefined); // when connecting is what timed out, nobody waits on it
    // Made before connect's own timer of the same length, so it fires first: a connect that times out is a TIMEOUT.
    const timer = setTimeout(() => {
      timedOut = true;
      expire(new TcpcmdError(ErrorCode.TIMEOUT, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      let ram: Promise<RunResult> | undefined;
      if (!this.connection || this.connection.closed) {
        this.connection = undefined;
        this.uptimeBase = undefined;
        const { token } = this.target;
        // ram goes with the hello: on a new connection the first figures come a round trip sooner, in fewer writes.
        const opened = await connectAndRun(this.target.address, 'ram', {}, {
          ...this.options.connect,
          ...(token !== undefined ? { token } : {}),
          connectTimeoutMs: timeoutMs,
          clientName: `tcpcmd-top/${VERSION}`,
        });
        this.connection = opened.connection;
        ram = opened.result;
      }
      const sample = await Promise.race([this.measure(this.connection, ram), expired]);
      this.record(sample);
    } catch (err) {
      this.failed(timedOut ? new TcpcmdError(ErrorCode.TIMEOUT, `no answer within ${timeoutMs} ms`) : err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks for the figures, pipelined: ram first (its round trip is the RTT) unless it went with the hello, then disk, cpu, and uptime once per connection. */
  private async measure(conn: Connection, pipelinedRam?: Promise<RunResult>): Promise<Sample> {
    const sent = performance.now();
    let rttMs = 0;
    const timed = (r: RunResult): RunResult => {
      rttMs = Math.max(0, performance.now() - sent - r.durationMs);
      return r;
    };
    // One Promise.all from the start: a lost connection rejects every run at once, and none may go unhandled.
    // The round trip is the first run sent on the open connection: ram, or disk when ram went with the hello.
    const [ram, disk, cpu, uptime] = await Promise.all([
      pipelinedRam ?? conn.run('ram').then(timed),
      pipelinedRam ? conn.run('disk').then(timed) : conn.run('disk'),
      conn.run('cpu'),
      this.uptimeBase ? undefined : conn.run('uptime'),
    ]);
    const { figures, missing } = readFigures({ ram, disk, cpu, uptime });
    const now = Date.now();
    if (figures.uptimeSeconds !== null) this.uptimeBase = { seconds: figures.uptimeSeconds, at: now };
    const base = this.uptimeBase;
    this.reason = missing.length === 0 ? '' : `no figures for ${missing.join(', ')}`;
    return {
      ...figures,
      at: now,
      rttMs: Math.round(rttMs * 10) / 10,
      uptimeSeconds: base ? Math.floor(base.seconds + (now - base.at) / 1000) : null,
    };
  }

  private record(sample: Sample): void {
    this.sample = sample;
    this.status = 'up';
    this.failures = 0;
    this.retryAt = 0;
    this.remember(sample.cpuPercent);
  }

  private failed(err: unknown): void {
    const error = isTcpcmdError(err) ? err : new TcpcmdError(ErrorCode.INTERNAL, err instanceof Error ? err.message : String(err));
    const auth = AUTH_CODES.has(error.code);
    this.status = auth ? 'auth failed' : 'down';
    this.reason = `${error.code}: ${error.message}`;
    this.failures++;
    const wait = auth ? AUTH_RETRY_MS : Math.min(MAX_RETRY_MS, this.options.intervalMs * 2 ** (this.failures - 1));
    // The first retry comes with the next tick; later ones back off.
    this.retryAt = this.failures === 1 && !auth ? 0 : Date.now() + wait;
    this.remember(null);
    const c = this.connection;
    this.connection = undefined;
    if (c && !c.closed) void c.close();
  }

  private remember(cpu: number | null): void {
    this.history.push(cpu);
    if (this.history.length > this.options.historyLength) this.history.shift();
  }
}
