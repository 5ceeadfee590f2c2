import type { ErrorInfo, RunData, RunId, StreamName } from '../protocol/index.js';

export interface TlsOptions {
  /** PEM of the CA (or self-signed certificate) to trust, in place of the system's. */
  ca?: string | Buffer;
  /** Expected SHA-256 fingerprint of the server certificate (hex, colons optional). */
  fingerprint?: string;
  /** Server name for SNI and certificate checks; defaults to the host. */
  servername?: string;
  /**
   * Trust on first use, as ssh's known_hosts: a certificate no CA vouches for
   * is checked against the fingerprint remembered for this host:port; a
   * changed one is refused. Without it, only CAs (or `fingerprint`) are trusted.
   */
  knownHosts?: KnownHostsOptions;
}

export interface KnownHostsOptions {
  /** The file of accepted fingerprints; default `knownHostsPath()` ($TCPCMD_KNOWN_HOSTS, else $XDG_STATE_HOME/tcpcmd/known_hosts). */
  path?: string;
  /** Trust and remember a server seen for the first time without asking (ssh's StrictHostKeyChecking=accept-new). */
  acceptNew?: boolean;
  /** Asks whether to trust a server seen for the first time; true trusts and remembers it. Without it, such a server is refused. */
  confirm?: (question: TrustQuestion) => Promise<boolean>;
  /** Told when a server is added to the file (the CLI prints it on stderr, as ssh does). */
  onNotice?: (message: string) => void;
}

/** A server nothing vouches for yet, as shown to the user. */
export interface TrustQuestion {
  /** host:port as connected to. */
  where: string;
  /** The name it is remembered by in the file. */
  key: string;
  /** SHA-256 of its certificate, `AB:CD:…`. */
  fingerprint: string;
  /** Why TLS did not trust it, e.g. "a self-signed certificate". */
  reason: string;
  /** The known_hosts file. */
  file: string;
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
  /**
   * Called with each piece of output as it arrives, as text: bytes that are
   * not UTF-8 read as U+FFFD (the result's `bytes` keeps them exact).
   */
  onOutput?: (stream: StreamName, data: string) => void;
  /** Called with each piece of output as the exact bytes the command wrote (`exec` uses it). */
  onBytes?: (stream: StreamName, data: Buffer) => void;
  /**
   * Sent to the command's stdin, with backpressure; its end closes the
   * command's stdin. Without it the command's stdin is empty. Needs a server
   * that offers the `stdin` feature (`ServerInfo.features`).
   */
  stdin?: AsyncIterable<Uint8Array>;
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
  /**
   * A supervision builtin's figures (`os`, `cpu`, `ram`, `disk`, `ip`, `uptime`,
   * `hostname`, `version`); narrow on `kind`. Absent for other commands, and
   * from servers that do not offer the `data` feature (`ServerInfo.features`).
   */
  data?: RunData;
  /** Collected output ('' when `collect` was false). */
  stdout: string;
  stderr: string;
  /**
   * The exact bytes of a collected stream that was not valid UTF-8 (then
   * `stdout`/`stderr` hold it with U+FFFD in place of the bytes that are not
   * text). Absent when all output was text.
   */
  bytes?: { stdout?: Buffer; stderr?: Buffer };
}

export interface ServerInfo {
  protocol: number;
  server: string;
  hostname: string;
  auth: 'none' | 'token';
  session: string;
  /** Command names the server answers, for completion. */
  commands: string[];
  /** Hello features the server granted, e.g. `data` (empty for servers that know none). */
  features: string[];
  /** Where we are connected, as host:port. */
  address: string;
}

export interface OutputChunk {
  stream: StreamName;
  data: string;
}

/**
 * A run whose output is read as an async iterator; `result` settles when it
 * ends. Read it (or `break`): output not read yet is held, and past
 * STREAM_HIGH_WATER chunks the connection stops reading from the server
 * until the loop catches up, so a run that is never read never ends.
 * Leaving the loop early (`break`, `return`, a throw) cancels the run.
 */
export interface RunStream extends AsyncIterable<OutputChunk> {
  readonly result: Promise<RunResult>;
  /** Chunks received and not yet read. */
  readonly buffered: number;
}

export interface StreamOptions extends Omit<RunOptions, 'onOutput'> {
  /** Chunks held before the connection stops reading from the server. Default STREAM_HIGH_WATER. */
  highWaterMark?: number;
}
