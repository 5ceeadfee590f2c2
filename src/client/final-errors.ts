import { ErrorCode } from '../protocol/index.js';

/**
 * Connect errors that trying again will not change: the credentials, the
 * server's trust, its protected mode or its protocol version stay what they
 * are. `waitForServer` gives up on them; `ReconnectingConnection` stops its
 * background tries.
 */
export const FINAL_CONNECT_ERRORS: ReadonlySet<string> = new Set<string>([
  ErrorCode.AUTH_FAILED,
  ErrorCode.AUTH_REQUIRED,
  ErrorCode.TLS_ERROR,
  ErrorCode.PROTECTED_MODE,
  ErrorCode.PROTOCOL_VERSION,
]);
