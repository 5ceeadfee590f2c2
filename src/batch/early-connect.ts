/**
 * Connecting while the input is checked: the first session to each of the
 * first default targets (--target, --targets) is opened as the check starts,
 * so the connection and the server's greeting overlap the check instead of
 * following it. Nothing is sent on it before the check has passed; a refused
 * input closes it unused. A connection that fails fails as it would have
 * later: the runner gets the same error from it.
 */
import type { ConnectOptions } from '../client/types.js';
import type { BatchConnect, BatchConnection } from './connection.js';
import type { BatchTarget } from './targets.js';

/** The options of a connection to `target`: the batch's, with the target's own token (servers.csv) and the given signal. */
export function targetConnectOptions(base: ConnectOptions | undefined, target: BatchTarget, signal: AbortSignal): ConnectOptions {
  const options: ConnectOptions = { ...base, signal };
  if (target.token !== undefined) options.token = target.token;
  return options;
}

export class EarlyConnections {
  private readonly pending = new Map<string, Promise<BatchConnection>>();
  /** Aborts the connects still in progress: the input was refused, the batch is over, or the runner cancels. */
  private readonly abort = new AbortController();

  constructor(connect: BatchConnect, base: ConnectOptions | undefined, targets: readonly BatchTarget[], interrupt?: AbortSignal) {
    const signal = interrupt ? AbortSignal.any([interrupt, this.abort.signal]) : this.abort.signal;
    for (const target of targets) {
      if (this.pending.has(target.key)) continue;
      const conn = connect(target.address, targetConnectOptions(base, target, signal));
      conn.catch(() => undefined); // a failure is the runner's to report, when it takes the connection
      this.pending.set(target.key, conn);
    }
  }

  /** The connection started for `target`, once (the runner's other sessions connect as usual); `cancel` then aborts it if still connecting. */
  take(target: BatchTarget, cancel: AbortSignal): Promise<BatchConnection> | undefined {
    const conn = this.pending.get(target.key);
    if (!conn) return undefined;
    this.pending.delete(target.key);
    if (cancel.aborted) this.abort.abort(cancel.reason);
    else cancel.addEventListener('abort', () => this.abort.abort(cancel.reason), { once: true });
    return conn;
  }

  /** Closes the connections nobody took. */
  async discard(): Promise<void> {
    const left = [...this.pending.values()];
    this.pending.clear();
    if (left.length > 0) this.abort.abort();
    await Promise.allSettled(left.map(async (conn) => (await conn).close()));
  }
}
