import type { Readable, Writable } from 'node:stream';
import type { ConnectOptions, ReconnectOptions } from '../client/index.js';

export interface ReplOptions {
  /** host[:port], or a name from `targets`; without it a terminal is asked, anything else is a usage error. */
  target?: string;
  /** servers.csv (host, port, name, token_env): offered in a select prompt, names usable as targets. */
  targets?: string;
  /** Write the transcript here as you go (one row per command, written through). */
  record?: string;
  /** Send `kill` and `reset` without asking. */
  yes?: boolean;
  /** Without a terminal: stop at the first command that fails (and run one at a time). */
  failFast?: boolean;
  /** Per-command timeout in ms (the server's own limit still applies). */
  timeout?: number;
  /** TLS, token, connect timeout. */
  connectOptions?: ConnectOptions;
  input: Readable;
  output: Writable;
  /** Remote stderr and our messages when there is no terminal. */
  errorOutput: Writable;
  /** Interactive: prompt, line editing, history, colours, confirmations. Without: lines in, output out, an exit code. */
  terminal: boolean;
  /** NO_COLOR, TCPCMD_TOKEN, TCPCMD_HISTORY, XDG_STATE_HOME, HOME (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The history file; default from env (see history.ts); null: none. Only used on a terminal. */
  historyFile?: string | null;
  /** Override colour (default: on a terminal unless NO_COLOR). */
  color?: boolean;
  /** An interrupt from outside (SIGINT): cancels the running command and ends the session, exit 130. */
  signal?: AbortSignal;
  /** Reconnect backoff. */
  reconnect?: ReconnectOptions;
}

export interface ReplResult {
  /** 0; without a terminal 1 when a command failed; 130 when interrupted. */
  exitCode: number;
  /** Commands run (rows in the transcript). */
  commands: number;
  /** Those that did not pass, plus the REPL's own errors (bad meta command, ...). */
  failures: number;
}
