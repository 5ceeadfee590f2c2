/**
 * The dashboard's side: every server of servers.csv polled for cpu, ram and
 * disk while a page is open (the last minutes kept for the charts), and one
 * command sent to many servers at once.
 */
import { readFigures, type Connection, type HostFigures } from '../client/index.js';
import type { BatchTarget } from './batch-api.js';
import { type UiContext, describe } from './context.js';
import type { FleetServer, Metrics, UiMessage } from './messages.js';
import { openConnection, runEnd } from './tab.js';

/** One poll every 2 s (as Glances refreshes), 150 kept: the last five minutes. */
export const POLL_MS = 2_000;
const KEPT = 150;

/** What the page is sent of a poll's figures. */
function metricsOf(f: HostFigures, at = Date.now()): Metrics {
  const { cpuPercent, ramPercent, ramUsedBytes, ramTotalBytes, diskPercent, diskUsedBytes, diskTotalBytes } = f;
  return { at, cpuPercent, ramPercent, ramUsedBytes, ramTotalBytes, diskPercent, diskUsedBytes, diskTotalBytes };
}

class Member {
  readonly view: FleetServer;
  private conn: Connection | undefined;
  private opening: Promise<Connection> | undefined;

  constructor(readonly target: BatchTarget, private readonly ctx: UiContext) {
    this.view = { name: target.name, key: target.key, state: 'connecting', samples: [] };
  }

  /** The live connection, or a new one. */
  connection(): Promise<Connection> {
    if (this.conn && !this.conn.closed) return Promise.resolve(this.conn);
    this.opening ??= openConnection(this.ctx, this.target.address).then(
      (conn) => {
        this.opening = undefined;
        this.conn = conn;
        this.view.hostname = conn.info.hostname;
        this.view.version = conn.info.server;
        return conn;
      },
      (err: unknown) => {
        this.opening = undefined;
        throw err;
      },
    );
    return this.opening;
  }

  /** A poll in flight: a slow server is not asked again before it answers. */
  busy: Promise<void> | undefined;

  poll(): Promise<void> {
    this.busy ??= this.pollOnce().finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async pollOnce(): Promise<void> {
    try {
      const conn = await this.connection();
      // Pipelined: the three answers take one round trip (and cpu's 250 ms sample).
      const [cpu, ram, disk] = await Promise.all(['cpu', 'ram', 'disk'].map((c) => conn.run(c)));
      if (!cpu || !ram || !disk) return;
      this.view.samples.push(metricsOf(readFigures({ cpu, ram, disk }).figures));
      if (this.view.samples.length > KEPT) this.view.samples.shift();
      this.view.state = 'up';
      delete this.view.message;
    } catch (err) {
      this.view.state = 'down';
      this.view.message = describe(err, this.target.key);
    }
  }

  async close(): Promise<void> {
    await this.conn?.close().catch(() => undefined);
  }
}

export class Fleet {
  private readonly members: Member[];
  private timer: NodeJS.Timeout | undefined;
  private pages = 0;

  constructor(private readonly ctx: UiContext) {
    this.members = ctx.targets.map((t) => new Member(t, ctx));
  }

  get servers(): FleetServer[] {
    return this.members.map((m) => m.view);
  }

  /** A page opened: poll now and every POLL_MS while any is open. */
  pageOpened(): void {
    if (this.pages++ === 0 && this.members.length > 0) this.tick();
  }

  pageClosed(): void {
    if (--this.pages === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Each server is polled on its own: one that takes long to answer holds back no other. */
  private tick(): void {
    for (const m of this.members) if (!m.busy) void m.poll().then(() => this.ctx.broadcast({ t: 'fleet', servers: this.servers }));
    if (this.pages > 0) {
      this.timer = setTimeout(() => this.tick(), POLL_MS);
      this.timer.unref();
    }
  }

  /** Runs `command` on each server named by key; each result as it comes. */
  async runOnMany(command: string, keys: string[], onResult: (message: Omit<Extract<UiMessage, { t: 'fleetResult' }>, 'run'>) => void): Promise<void> {
    const chosen = this.members.filter((m) => keys.includes(m.target.key));
    await Promise.all(
      chosen.map(async (m) => {
        const started = Date.now();
        try {
          const result = await (await m.connection()).run(command);
          onResult({ t: 'fleetResult', key: m.target.key, stdout: result.stdout, stderr: result.stderr, ...runEnd(result) });
        } catch (err) {
          onResult({ t: 'fleetResult', key: m.target.key, stdout: '', stderr: '', exitCode: null, durationMs: Date.now() - started, cancelled: false, timedOut: false, truncated: false, error: describe(err, m.target.key) });
        }
      }),
    );
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.pages = 0;
    await Promise.all(this.members.map((m) => m.busy));
    await Promise.all(this.members.map((m) => m.close()));
  }
}
