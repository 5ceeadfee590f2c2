import type { Readable } from 'node:stream';
import type { ErrorInfo, RunData, StreamName } from '../protocol/index.js';

/** Who is asking: the connection a run came from. */
export interface SessionInfo {
  id: string;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  tls: boolean;
}

/** What a command may ask of the server it runs in. */
export interface ServerControl {
  /** Names (and aliases) of every command, for `help` and completion. */
  commands(): readonly Command[];
  /** Ends this session after the current run's answer is sent. */
  disconnect(): void;
  /** Closes every session and re-opens the listener, after the current run's answer is sent. */
  reset(): void;
  /** Stops the server gracefully, after the current run's answer is sent. */
  kill(): void;
}

/**
 * What a command is given for one run. `argv` and `signal` are computed when
 * first read: hand `ctx` itself to helpers rather than a spread copy.
 */
export interface RunContext {
  /** The command name as typed (lower-cased), e.g. `cpu` or `linux`. */
  name: string;
  /** Everything after the name (for `linux:ls -l` that is `ls -l`), trimmed. */
  args: string;
  /** `args` split on white space. */
  argv: string[];
  /**
   * Aborted when the run must stop: timeout, cancel, output cap, client gone,
   * server stopping. `signal.reason` is a TcpcmdError saying which. Commands
   * that spawn children kill their whole process tree on it.
   */
  signal: AbortSignal;
  /**
   * Sends output to the client. Resolves when the data may be followed by more
   * (the socket has drained): await it to respect backpressure.
   */
  write(stream: StreamName, data: string | Uint8Array): Promise<void>;
  /**
   * The run's stdin when the client sends one (`exec` with piped input);
   * undefined otherwise (then a child's stdin is empty). Commands that
   * spawn a child pipe it in; the others ignore it.
   */
  readonly stdin?: Readable | undefined;
  session: SessionInfo;
  server: ServerControl;
}

/** What a run ends with; the session adds the id, duration and abort reason. */
export interface RunOutcome {
  exitCode: number | null;
  signal?: string;
  error?: ErrorInfo;
  /** The figures of a supervision builtin, sent in `done` to clients that asked for data. */
  data?: RunData;
}

export interface Command {
  /** Lower-case name; for a shell prefix, without the colon (`linux`). */
  name: string;
  aliases?: readonly string[];
  /** One-line synopsis, e.g. `ping <host> [count]`. */
  usage: string;
  /** One line of help. */
  summary: string;
  /** `linux:`, `dos:`, `powershell:`: invoked as `name:args`, turned off by `--no-shell`. */
  shell?: boolean;
  /** `kill` and `reset`: turned off by `--no-admin`. */
  admin?: boolean;
  /** The command's outcome; returned as it is (not in a promise) when the command has it at once, it is answered without a turn of the promise queue. */
  run(ctx: RunContext): RunOutcome | Promise<RunOutcome>;
}
