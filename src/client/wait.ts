import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, TcpcmdError, formatAddress, isTcpcmdError, type Address, errorMessage } from '../protocol/index.js';
import { connect } from './connect.js';
import { FINAL_CONNECT_ERRORS } from './final-errors.js';
import type { ConnectOptions } from './types.js';

export interface WaitOptions extends ConnectOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Taken around each try, so that waiting on thousands of servers keeps a bounded number of sockets open. */
  tries?: { acquire(n: number): Promise<void>; release(n: number): void };
}

export interface WaitResult {
  server: string;
  hostname: string;
  tries: number;
}

/** The least time worth a try: less, and the try could only report its own timeout. */
const MIN_TRY_MS = 25;

/**
 * Server answers that prove it is up even though we may not go further.
 * AUTH_REQUIRED (no token given) is also final, but for waiting it means
 * "up": it is checked before the final answers.
 */
const UP_ANYWAY = new Set<string>([ErrorCode.AUTH_REQUIRED, ErrorCode.TOO_MANY_SESSIONS]);

/** Tries to connect (with backoff from 100 ms to 1 s) until a tcpcmd server answers or time runs out. */
export async function waitForServer(address: Address, options: WaitOptions): Promise<WaitResult> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 100;
  let tries = 0;
  let last: unknown;
  for (;;) {
    const left = deadline - Date.now();
    // Too little time left for a fair try (it would only time out): report the last real answer instead.
    if (tries > 0 && left < MIN_TRY_MS) break;
    tries++;
    await options.tries?.acquire(1);
    try {
      const connection = await connect(address, { ...options, connectTimeoutMs: Math.max(1, Math.min(deadline - Date.now(), options.connectTimeoutMs ?? 5_000)) });
      await connection.close();
      return { server: connection.info.server, hostname: connection.info.hostname, tries };
    } catch (err) {
      last = err;
      if (isTcpcmdError(err) && UP_ANYWAY.has(err.code)) return { server: 'tcpcmd', hostname: formatAddress(address), tries };
      if (isTcpcmdError(err) && (FINAL_CONNECT_ERRORS.has(err.code) || err.code === ErrorCode.INTERRUPTED)) throw err;
    } finally {
      options.tries?.release(1);
    }
    const wait = Math.min(delay, deadline - Date.now());
    if (wait <= 0) break;
    try {
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      throw new TcpcmdError(ErrorCode.INTERRUPTED, `waiting for ${formatAddress(address)} was cancelled`);
    }
    delay = Math.min(delay * 2, 1_000);
  }
  const reason = errorMessage(last);
  throw new TcpcmdError(ErrorCode.CONNECT_FAILED, `${formatAddress(address)} did not answer within ${options.timeoutMs} ms (${tries} ${tries === 1 ? 'try' : 'tries'}; last: ${reason})`);
}
