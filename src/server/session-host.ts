import type { ErrorInfo } from '../protocol/index.js';
import type { AuthPenalties } from './auth-penalty.js';
import type { Command } from './command.js';
import type { LogEvent, Logger } from './log.js';
import type { ResolvedServeOptions } from './options.js';
import type { PolicyCheck } from './policy.js';
import type { CommandRegistry } from './registry.js';

/**
 * What a session needs from the server that owns it. `S` is the session
 * class, a parameter so that this file does not import session.ts.
 */
export interface SessionHost<S> {
  readonly options: ResolvedServeOptions;
  readonly registry: CommandRegistry;
  readonly policy: PolicyCheck;
  readonly logger: Logger;
  readonly hostname: string;
  /** Failed proofs per address (OpenSSH's PerSourcePenalties). */
  readonly penalties: AuthPenalties;
  /** Commands this server offers under its policy (for help). */
  offeredCommands(): readonly Command[];
  /** Names for completion, sent in the ready frame. */
  commandNames(): string[];
  requestReset(): void;
  requestKill(): void;
  /** The handshake is done: the session takes a session slot, or is told why not. */
  sessionReady(session: S): ErrorInfo | undefined;
  sessionClosed(session: S): void;
  /** Logs an event of a connection that is not (yet) a session: the first of its kind from its address per interval; the rest are counted. */
  logRepeated(address: string, what: string, event: LogEvent): void;
}
