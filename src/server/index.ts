export { TcpcmdServer, serve } from './server.js';
export type { ServeOptions, Limits, Policy, TlsServerOptions } from './options.js';
export { DEFAULT_LIMITS, DEFAULT_POLICY } from './options.js';
export type { Command, RunContext, RunOutcome, SessionInfo, ServerControl } from './command.js';
export { streamLogger, silentLogger, type Logger, type LogEvent, type LogFormat } from './log.js';
export { killAllProcesses } from './shell/live-processes.js';
export { validateLimits, MIN_FRAME } from './limits.js';
export { AuthPenalties, type PenaltyOptions } from './auth-penalty.js';
