import { DEFAULT_HOST, DEFAULT_MAX_FRAME, DEFAULT_PORT } from '../protocol/index.js';
import type { Command } from './command.js';
import type { Logger } from './log.js';

export interface Limits {
  /** Sessions open at once; one more is refused with TOO_MANY_SESSIONS. */
  maxSessions: number;
  /** Longest frame (line) accepted, in bytes. */
  maxFrame: number;
  /** Runs waiting in one session (pipelined); one more is answered QUEUE_FULL. */
  maxQueue: number;
  /** A session with nothing running and nothing said for this long is closed. 0 = never. */
  idleTimeoutMs: number;
  /** A client must finish hello (and auth) within this long. */
  authTimeoutMs: number;
  /** Default and upper bound of a run's timeout. */
  runTimeoutMs: number;
  /** Bytes of output one run may produce before it is cut (OUTPUT_LIMIT). 0 = no cap. */
  maxOutput: number;
  /** On kill/SIGTERM, how long running commands may go on before they are stopped. */
  shutdownGraceMs: number;
  /** How long a failed auth waits before its answer (slows guessing). */
  authFailDelayMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxSessions: 256,
  maxFrame: DEFAULT_MAX_FRAME,
  maxQueue: 1024,
  idleTimeoutMs: 0,
  authTimeoutMs: 10_000,
  runTimeoutMs: 60_000,
  maxOutput: 16 * 1024 * 1024,
  shutdownGraceMs: 3_000,
  authFailDelayMs: 1_000,
};

export interface Policy {
  /** Allow `linux:`/`dos:`/`powershell:` commands. */
  shell: boolean;
  /** Allow `kill` and `reset`. */
  admin: boolean;
  /** When non-empty, only command lines matching one of these globs run. */
  allow: string[];
  /** Command lines matching one of these globs are refused (deny wins over allow). */
  deny: string[];
}

export const DEFAULT_POLICY: Policy = { shell: true, admin: true, allow: [], deny: [] };

export interface TlsServerOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port; `server.address()` says which. */
  port?: number;
  /** Turns on challenge-response auth. */
  token?: string;
  tls?: TlsServerOptions;
  /** Accept peers from other machines without a token (protected mode off). */
  insecure?: boolean;
  policy?: Partial<Policy>;
  limits?: Partial<Limits>;
  logger?: Logger;
  /** The commands served; defaults to every builtin. */
  commands?: readonly Command[];
}

export interface ResolvedServeOptions {
  host: string;
  port: number;
  token: string | undefined;
  tls: TlsServerOptions | undefined;
  insecure: boolean;
  policy: Policy;
  limits: Limits;
}

export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  return {
    host: options.host ?? DEFAULT_HOST,
    port: options.port ?? DEFAULT_PORT,
    token: options.token === '' ? undefined : options.token,
    tls: options.tls,
    insecure: options.insecure ?? false,
    policy: { ...DEFAULT_POLICY, ...options.policy },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
}
