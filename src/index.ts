/**
 * tcpcmd's public API: what `import … from 'tcpcmd'` gives, named one by one
 * (README.md, "The library"). Everything else under src/ is internal and may
 * change. test/index.test.ts pins this list: adding a name here is a
 * deliberate edit there too.
 *
 *   import { serve, connect } from 'tcpcmd';
 *   const server = await serve({ port: 0 });
 *   const conn = await connect(server.address());
 *   const result = await conn.run('hostname');
 */

// The server, and the commands it serves.
export { serve, TcpcmdServer, DEFAULT_LIMITS, DEFAULT_POLICY } from './server/index.js';
export { builtinCommands } from './server/builtins/index.js';
export { streamLogger, silentLogger } from './server/index.js';
export type {
  ServeOptions,
  Limits,
  Policy,
  TlsServerOptions,
  PenaltyOptions,
  Command,
  RunContext,
  RunOutcome,
  SessionInfo,
  ServerControl,
  Logger,
  LogEvent,
  LogFormat,
} from './server/index.js';

// The client.
export { connect, connectAndRun, Connection, ReconnectingConnection, waitForServer } from './client/index.js';
export { UntrustedServerError, knownHostsPath, terminalConfirm } from './client/index.js';
export type {
  ConnectOptions,
  TlsOptions,
  KnownHostsOptions,
  TrustQuestion,
  RunOptions,
  RunResult,
  ServerInfo,
  OutputChunk,
  RunStream,
  StreamOptions,
  Opener,
  ReconnectOptions,
  WaitOptions,
  WaitResult,
} from './client/index.js';

// Batches of commands from a CSV file (`tcpcmd run`).
export { runBatch, formatSummary, OUTPUT_COLUMNS, INPUT_COLUMNS } from './batch/index.js';
export type { BatchOptions, BatchSummary, BatchExitCode, BatchConnect, BatchConnection, OutputRow, Status, StatusCounts, Unreachable } from './batch/index.js';
export type { ProgressReporter, ProgressSnapshot } from './batch/progress.js';

// What both sides share: errors, addresses, versions.
export { TcpcmdError, ErrorCode, isTcpcmdError, parseAddress, formatAddress, PROTOCOL_VERSION, VERSION, DEFAULT_PORT, DEFAULT_HOST } from './protocol/index.js';
export type { Address, ErrorInfo, RunId, StreamName } from './protocol/index.js';

// Metrics as data: what supervision builtins answer besides their text (negotiated in hello).
export { Feature } from './protocol/index.js';
export type {
  RunData,
  RunDataKind,
  OsData,
  CpuData,
  RamData,
  DiskData,
  SpaceData,
  IpData,
  InterfaceAddress,
  UptimeData,
  HostnameData,
  VersionData,
} from './protocol/index.js';
