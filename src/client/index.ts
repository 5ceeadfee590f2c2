export { connect, connectAndRun, DEFAULT_CONNECT_TIMEOUT_MS } from './connect.js';
export { Connection, STREAM_HIGH_WATER } from './connection.js';
export type {
  ConnectOptions,
  KnownHostsOptions,
  OutputChunk,
  RunOptions,
  RunResult,
  RunStream,
  ServerInfo,
  StreamOptions,
  TlsOptions,
  TrustQuestion,
} from './types.js';
export { hostKey, knownHostsPath, lookupKnownHost, normalizeFingerprint, rememberHost, type KnownHostMatch } from './known-hosts.js';
export { UntrustedServerError, checkServerCertificate } from './server-trust.js';
export { terminalConfirm } from './terminal-confirm.js';
export { waitForServer, type WaitOptions, type WaitResult } from './wait.js';
export { ReconnectingConnection, type Opener, type ReconnectOptions } from './reconnecting.js';
export { readFigures, type Answer, type Answers, type HostFigures } from './metrics.js';
