/** Every server of a `tcpcmd top`, polled together: a round starts a poll on each server that is free to take one. */
import type { BatchTarget } from '../batch/targets.js';
import { type PollerOptions, ServerPoller, type ServerView } from './poller.js';

export class Fleet {
  readonly pollers: ServerPoller[];

  constructor(targets: readonly BatchTarget[], options: PollerOptions) {
    this.pollers = targets.map((t, i) => new ServerPoller(t, i, options));
  }

  /** Starts a round; resolves once every poll of it (and any still running from before) has ended, each bounded by its timeout. */
  round(): Promise<void> {
    const now = Date.now();
    return Promise.all(this.pollers.map((p) => p.poll(now))).then(() => undefined);
  }

  views(now = Date.now()): ServerView[] {
    return this.pollers.map((p) => p.view(now));
  }

  /** Whether any server is down or refused us: the exit code of `--once` and the time series. */
  anyDown(): boolean {
    return this.views().some((v) => v.status === 'down' || v.status === 'auth failed');
  }

  async close(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.close()));
  }
}
