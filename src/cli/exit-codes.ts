import { ErrorCode, Exit, isTcpcmdError, type ErrorCode as Code, errorMessage } from '../protocol/index.js';

// The codes themselves are pure data in protocol/, so batch and repl use them without importing the CLI.
export { Exit };

const byCode: Partial<Record<Code, number>> = {
  [ErrorCode.USAGE]: Exit.USAGE,
  [ErrorCode.BAD_INPUT]: Exit.USAGE,
  [ErrorCode.IO_ERROR]: Exit.USAGE,
  [ErrorCode.CONNECT_FAILED]: Exit.CONNECT,
  [ErrorCode.CONNECTION_CLOSED]: Exit.CONNECT,
  [ErrorCode.TLS_ERROR]: Exit.CONNECT,
  [ErrorCode.AUTH_REQUIRED]: Exit.CONNECT,
  [ErrorCode.AUTH_FAILED]: Exit.CONNECT,
  [ErrorCode.AUTH_TIMEOUT]: Exit.CONNECT,
  [ErrorCode.PROTECTED_MODE]: Exit.CONNECT,
  [ErrorCode.TOO_MANY_SESSIONS]: Exit.CONNECT,
  [ErrorCode.PROTOCOL_ERROR]: Exit.CONNECT,
  [ErrorCode.PROTOCOL_VERSION]: Exit.CONNECT,
  [ErrorCode.SERVER_SHUTTING_DOWN]: Exit.CONNECT,
  [ErrorCode.SESSION_RESET]: Exit.CONNECT,
  [ErrorCode.INTERRUPTED]: Exit.INTERRUPTED,
};

/**
 * The one mapping from an error to an exit code. `exec` uses 255 for its own
 * failures, as ssh does, except a usage error: 2 everywhere, before anything ran.
 */
export function exitCodeFor(err: unknown, command?: string): number {
  const code = isTcpcmdError(err) ? err.code : undefined;
  if (code === ErrorCode.INTERRUPTED) return Exit.INTERRUPTED;
  if (code === ErrorCode.USAGE) return Exit.USAGE;
  if (command === 'exec') return Exit.EXEC_FAILURE;
  return (code && byCode[code]) ?? Exit.FAILED;
}

/**
 * The one shape of a failure (docs/errors.md): `tcpcmd exec: cannot connect
 * to ... (CONNECT_FAILED)`; a usage error adds where to read the usage.
 */
export function describeError(err: unknown, command?: string): string {
  const prefix = command ? `tcpcmd ${command}` : 'tcpcmd';
  if (!isTcpcmdError(err)) return `${prefix}: ${errorMessage(err)} (INTERNAL: please report it)`;
  const line = `${prefix}: ${err.message} (${err.code})`;
  return err.code === ErrorCode.USAGE ? `${line}\nRun \`tcpcmd ${command ? `${command} ` : ''}--help\` for usage.` : line;
}
