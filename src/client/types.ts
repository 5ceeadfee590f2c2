import type { ErrorInfo, RunId, StreamName } from '../protocol/index.js';

export interface TlsOptions {
  /** PEM of the CA (or self-signed certificate) to trust, in place of the system's. */
  ca?: string | Buffer;
  /** Expected SHA-256 fingerprint of the server certificate (hex, colons optional). */
  fingerprint?: string;
  /** Server name for SNI and certificate checks; defaults to the host. */
  servername?: string;
}

export interface ConnectOptions {
  /** Token for challenge-response auth; defaults to the TCPCMD_TOKEN environment variable. */
  token?: string;
  /** Use TLS (true for system CAs, or options). */
  tls?: boolean | TlsOptions;
  /** Gives up connecting (TCP + handshake) after this many ms. Default 10,000. */
  connectTimeoutMs?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** Identifies the client in the server's hello (e.g. `tcpcmd-repl/0.1.0`). */
  clientName?: string;
}

export interface RunOptions {
  /** Asks the server to stop the run after this many ms (the server's own limit still applies). */
  timeout?: number;
  /** Cancels the run: the server kills its process tree; the result says `cancelled`. */
  signal?: AbortSignal;
  /** Called with each piece of output as it arrives. */
  onOutput?: (stream: StreamName, data: string) => void;
  /** Keep stdout/stderr in the result (default true). Turn off to stream large output with flat memory. */
  collect?: boolean;
}

/** A run's outcome as data: branch on the fields, never on message text. */
export interface RunResult {
  id: RunId;
  command: string;
  /** The command's exit code; null when it produced none (error, killed). */
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  /** Output was cut at the server's output cap. */
  truncated: boolean;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the run did not complete normally (unknown command, timeout, forbidden, ...). */
  error?: ErrorInfo;
  /** Collected output ('' when `collect` was false). */
  stdout: string;
  stderr: string;
}

export interface ServerInfo {
  protocol: number;
  server: string;
  hostname: string;
  auth: 'none' | 'token';
  session: string;
  /** Command names the server answers, for completion. */
  commands: string[];
  /** Where we are connected, as host:port. */
  address: string;
}
