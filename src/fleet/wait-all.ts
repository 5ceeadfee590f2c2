/**
 * `tcpcmd wait` on many servers: every server is waited for at once (tries
 * share a bounded number of sockets), until all are up — or, with `any`,
 * until the first one is.
 */
import { setMaxListeners } from 'node:events';
import { waitForServer, type WaitResult } from '../client/wait.js';
import type { ConnectOptions } from '../client/types.js';
import { Slots } from '../batch/slots.js';
import type { BatchTarget } from '../batch/targets.js';
import { ErrorCode, isTcpcmdError } from '../protocol/index.js';

export interface WaitAllOptions {
  timeoutMs: number;
  connectOptions: ConnectOptions;
  /** Done when one server is up, not all. */
  any?: boolean;
  /** Connection tries in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onUp?: (target: BatchTarget, info: WaitResult) => void;
}

export interface WaitAllResult {
  up: BatchTarget[];
  /** The servers that did not come up, with the last answer each gave (in the order given). */
  missing: { target: BatchTarget; error: { code: string; message: string } }[];
}

export async function waitForAll(targets: readonly BatchTarget[], options: WaitAllOptions): Promise<WaitAllResult> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Every waiter listens on it: not a leak.
  setMaxListeners(2 * targets.length + 16, signal);
  const tries = new Slots(options.concurrency ?? 256);
  const up: BatchTarget[] = [];
  const failed = new Map<BatchTarget, { code: string; message: string }>();
  await Promise.all(
    targets.map(async (target) => {
      const connectOptions: ConnectOptions = { ...options.connectOptions, signal };
      if (target.token !== undefined) connectOptions.token = target.token;
      try {
        const info = await waitForServer(target.address, { ...connectOptions, timeoutMs: options.timeoutMs, tries });
        up.push(target);
        options.onUp?.(target, info);
        if (options.any) stop.abort();
      } catch (err) {
        if (isTcpcmdError(err)) failed.set(target, { code: err.code, message: err.message });
        else failed.set(target, { code: ErrorCode.INTERNAL, message: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  // With `any`, the others were stopped because one came up: they are not missing.
  const missing = options.any && up.length > 0 ? [] : targets.flatMap((t) => {
    const error = failed.get(t);
    return error ? [{ target: t, error }] : [];
  });
  return { up, missing };
}
