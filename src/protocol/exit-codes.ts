/**
 * The exit codes of the tcpcmd commands (docs: README "Exit codes"). Pure
 * data, here so that every layer names them the same way; which error maps to
 * which code is the CLI's business (src/cli/exit-codes.ts).
 */
export const Exit = {
  OK: 0,
  /** A command failed or an expectation did not hold. */
  FAILED: 1,
  /** Usage or input error. */
  USAGE: 2,
  /** Could not connect, the server refused us, or auth failed. */
  CONNECT: 3,
  /** Interrupted (Ctrl+C). */
  INTERRUPTED: 130,
  /** The reader of our output went away (`| head`), as for a program stopped by SIGPIPE. */
  BROKEN_PIPE: 141,
  /** `exec`'s own failures, as in ssh. */
  EXEC_FAILURE: 255,
} as const;
