/**
 * One server open in the page: a connection that comes back after `reset` or
 * a restart (and says so), its runs with streamed output and Cancel, and its
 * transcript, downloadable in `tcpcmd run`'s formats.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ReconnectingConnection, connect, type Connection, type RunResult } from '../client/index.js';
import { ErrorCode, VERSION, formatAddress, type Address } from '../protocol/index.js';
import { answeredRow, judgeRejection, rejectedRow } from './batch-api.js';
import { type UiContext, describe, tokenFor } from './context.js';
import type { RunEnd, UiMessage } from './messages.js';
import { Spool } from './spool.js';

export type Send = (message: UiMessage) => void;

/** How a run ended, for the page. */
export function runEnd(result: RunResult): RunEnd {
  const end: RunEnd = {
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    cancelled: result.cancelled,
    timedOut: result.timedOut,
    truncated: result.truncated,
  };
  if (result.error) end.error = `${result.error.code}: ${result.error.message}`;
  return end;
}

/** Opens a connection the way the CLI does, with the token this process holds for it. */
export function openConnection(ctx: UiContext, address: Address, signal?: AbortSignal): Promise<Connection> {
  const token = tokenFor(ctx, formatAddress(address));
  return connect(address, {
    ...ctx.connectOptions,
    ...(token !== undefined ? { token } : {}),
    ...(signal ? { signal } : {}),
    clientName: `tcpcmd-ui/${VERSION}`,
  });
}

export class Tab {
  private readonly runs = new Map<number, AbortController>();
  private readonly spool: Spool;
  readonly transcript = randomUUID();

  private constructor(
    private readonly id: string,
    readonly where: string,
    private readonly session: ReconnectingConnection,
    private readonly ctx: UiContext,
    private readonly send: Send,
  ) {
    this.spool = new Spool(join(ctx.dir, `${this.transcript}.jsonl`));
    ctx.downloads.set(this.transcript, { path: this.spool.path, base: `session-${where.replace(/[^A-Za-z0-9.-]+/g, '_')}` });
    session.on('disconnected', (err) =>
      err.code === ErrorCode.IDLE_TIMEOUT
        ? this.status('warn', `${where} closed the connection: ${describe(err, where)}; the next command reconnects`)
        : this.status('warn', `connection to ${where} lost: ${describe(err, where)}; reconnecting…`),
    );
    session.on('reconnected', (conn) => this.status('ok', `reconnected to ${where} (${conn.info.server} on ${conn.info.hostname})`, conn.info.commands));
    session.on('stopped', (err) => this.status('error', `cannot reconnect to ${where}: ${describe(err, where)}; the next command tries again`));
  }

  /** Connects; rejects with the CLI's error when the server cannot be reached. */
  static async open(id: string, address: Address, ctx: UiContext, send: Send): Promise<Tab> {
    const first = await openConnection(ctx, address);
    const session = new ReconnectingConnection(first, (signal) => openConnection(ctx, address, signal));
    return new Tab(id, formatAddress(address), session, ctx, send);
  }

  get info(): Connection['info'] | undefined {
    return this.session.connection?.info;
  }

  private status(level: 'ok' | 'warn' | 'error', message: string, commands?: string[]): void {
    this.send({ t: 'status', tab: this.id, level, message, ...(commands ? { commands } : {}) });
  }

  async run(run: number, command: string): Promise<void> {
    const controller = new AbortController();
    this.runs.set(run, controller);
    const sentAt = Date.now();
    const asked = { seq: 0, name: '', command, expect: '', expectExit: 0 as const };
    try {
      const conn = await this.session.ready();
      const result = await conn.run(command, {
        signal: controller.signal,
        onOutput: (stream, data) => this.send({ t: 'out', tab: this.id, run, stream, data }),
      });
      this.spool.add(answeredRow(asked, this.where, null, result, sentAt));
      this.send({ t: 'done', tab: this.id, run, ...runEnd(result) });
    } catch (err) {
      const verdict = judgeRejection(err);
      this.spool.add(rejectedRow(asked, this.where, null, verdict, sentAt));
      this.send({ t: 'done', tab: this.id, run, exitCode: null, durationMs: Date.now() - sentAt, cancelled: false, timedOut: false, truncated: false, error: verdict.error });
    } finally {
      this.runs.delete(run);
    }
  }

  /** Cancel: the server kills the run's process tree; the result says `cancelled`. */
  cancel(run: number): void {
    this.runs.get(run)?.abort();
  }

  async close(): Promise<void> {
    for (const c of this.runs.values()) c.abort();
    await this.session.close().catch(() => undefined);
    await this.spool.close().catch(() => undefined);
  }
}
