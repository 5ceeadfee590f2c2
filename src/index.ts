/**
 * tcpcmd's public API: the server, the client, and the shared protocol types.
 *
 *   import { serve, connect } from 'tcpcmd';
 *   const server = await serve({ port: 0 });
 *   const conn = await connect(server.address());
 *   const result = await conn.run('hostname');
 */
export * from './server/index.js';
export * from './client/index.js';
export {
  TcpcmdError,
  ErrorCode,
  isTcpcmdError,
  parseAddress,
  formatAddress,
  PROTOCOL_VERSION,
  VERSION,
  DEFAULT_PORT,
  DEFAULT_HOST,
  type Address,
  type ErrorInfo,
  type RunId,
  type StreamName,
  Feature,
  type RunData,
  type RunDataKind,
  type OsData,
  type CpuData,
  type RamData,
  type DiskData,
  type SpaceData,
  type IpData,
  type InterfaceAddress,
  type UptimeData,
  type HostnameData,
  type VersionData,
} from './protocol/index.js';
export { runBatch, type BatchOptions } from './batch/index.js';
export { formatSummary, type BatchSummary } from './batch/summary.js';
export { OUTPUT_COLUMNS, INPUT_COLUMNS } from './batch/columns.js';
