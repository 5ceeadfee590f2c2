export { connect, DEFAULT_CONNECT_TIMEOUT_MS } from './connect.js';
export { Connection, type OutputChunk, type RunStream } from './connection.js';
export type { ConnectOptions, RunOptions, RunResult, ServerInfo, TlsOptions } from './types.js';
export { waitForServer, type WaitOptions, type WaitResult } from './wait.js';
