import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol/index.js';
import type { PenaltyOptions } from './auth-penalty.js';
import type { Command } from './command.js';
import { DEFAULT_LIMITS, validateLimits, type Limits } from './limits.js';
import type { Logger } from './log.js';

export { DEFAULT_LIMITS, type Limits } from './limits.js';

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
  /** Shutting out addresses after repeated failed proofs (default: 5 failures, 30 s doubling to 15 min); `{ after: 0 }` turns it off. */
  authPenalties?: Partial<Omit<PenaltyOptions, 'now'>>;
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
    limits: validateLimits({ ...DEFAULT_LIMITS, ...options.limits }),
  };
}
