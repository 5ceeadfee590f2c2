/**
 * What the batch runner needs of a client connection, in a file of its own so
 * that the runner and a job's sessions (lanes.ts) both import it and not each other.
 */
import type { ConnectOptions, RunOptions, RunResult } from '../client/types.js';
import type { Address } from '../protocol/index.js';

/** What the runner needs of a client connection (the client library's Connection has more). */
export interface BatchConnection {
  run(cmd: string, options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
  /** True once the connection has ended: checked before sending, to reconnect instead of failing the next row. */
  readonly closed?: boolean;
}

/** The client library's `connect`, or a test double. */
export type BatchConnect = (target: Address, options?: ConnectOptions) => Promise<BatchConnection>;
