/**
 * How far ahead of their answers runs are sent on one session: a module of
 * its own so that a piped REPL session, which sends ahead as `tcpcmd run`
 * does, reads the same figures without loading the batch runner.
 */

/** Runs sent and not answered on one session, at most (`--window`'s default). */
export const DEFAULT_WINDOW = 256;

/** Half the server's default frame limit (1 MiB), which also bounds the command text waiting in a session. */
export const WINDOW_CHARS = 512 * 1024;
