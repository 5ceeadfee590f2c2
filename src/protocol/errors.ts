/**
 * Every failure in tcpcmd carries one of these stable codes. They appear on the
 * wire (`done.error.code`, `error.code`), in batch results and in logs, so they
 * never change meaning; the CLI maps them to exit codes in one table
 * (src/cli/exit-codes.ts).
 */
export const ErrorCode = {
  // Wire and session
  BAD_FRAME: 'BAD_FRAME',
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  PROTOCOL_VERSION: 'PROTOCOL_VERSION',
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  AUTH_FAILED: 'AUTH_FAILED',
  AUTH_TIMEOUT: 'AUTH_TIMEOUT',
  PROTECTED_MODE: 'PROTECTED_MODE',
  TOO_MANY_SESSIONS: 'TOO_MANY_SESSIONS',
  IDLE_TIMEOUT: 'IDLE_TIMEOUT',
  QUEUE_FULL: 'QUEUE_FULL',
  DUPLICATE_ID: 'DUPLICATE_ID',
  SERVER_SHUTTING_DOWN: 'SERVER_SHUTTING_DOWN',
  SESSION_RESET: 'SESSION_RESET',
  // Runs
  UNKNOWN_COMMAND: 'UNKNOWN_COMMAND',
  BAD_ARGUMENTS: 'BAD_ARGUMENTS',
  FORBIDDEN: 'FORBIDDEN',
  TIMEOUT: 'TIMEOUT',
  CANCELLED: 'CANCELLED',
  OUTPUT_LIMIT: 'OUTPUT_LIMIT',
  SPAWN_FAILED: 'SPAWN_FAILED',
  NOT_SUPPORTED_ON_THIS_OS: 'NOT_SUPPORTED_ON_THIS_OS',
  INTERNAL: 'INTERNAL',
  /** The command was killed by a signal: a `run` row's verdict (on the wire it is `done.signal`, not an error). */
  KILLED: 'KILLED',
  // Client side
  CONNECT_FAILED: 'CONNECT_FAILED',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  TLS_ERROR: 'TLS_ERROR',
  USAGE: 'USAGE',
  BAD_INPUT: 'BAD_INPUT',
  IO_ERROR: 'IO_ERROR',
  INTERRUPTED: 'INTERRUPTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const codes = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codes.has(value);
}

/** The error shape that crosses the wire. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** The one error class of tcpcmd: branch on `code`, never on `message`. */
export class TcpcmdError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TcpcmdError';
    this.code = code;
  }

  toJSON(): ErrorInfo {
    return { code: this.code, message: this.message };
  }

  static from(info: ErrorInfo): TcpcmdError {
    return new TcpcmdError(info.code, info.message);
  }
}

export function isTcpcmdError(err: unknown, code?: ErrorCode): err is TcpcmdError {
  return err instanceof TcpcmdError && (code === undefined || err.code === code);
}

/** An error's message, for text: `err.message` for an Error, else the thrown value as a string (anything can be thrown). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
