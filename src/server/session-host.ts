import type { AuthPenalties } from './auth-penalty.js';
import type { Command } from './command.js';
import type { Logger } from './log.js';
import type { ResolvedServeOptions } from './options.js';
import type { PolicyCheck } from './policy.js';
import type { CommandRegistry } from './registry.js';
import type { Session } from './session.js';

/** What a session needs from the server that owns it. */
export interface SessionHost {
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
  sessionClosed(session: Session): void;
}
