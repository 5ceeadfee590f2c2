import { ErrorCode, type ErrorInfo } from '../protocol/index.js';
import type { Command } from './command.js';
import type { Policy } from './options.js';

/** A glob over a whole command line: `*` is any text, `?` one character; case-insensitive. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.trim().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`, 'i');
}

/** Decides whether a resolved command may run; returns the FORBIDDEN answer when it may not. */
export class PolicyCheck {
  private readonly allow: RegExp[];
  private readonly deny: { glob: string; re: RegExp }[];

  constructor(private readonly policy: Policy) {
    this.allow = policy.allow.map(globToRegExp);
    this.deny = policy.deny.map((glob) => ({ glob, re: globToRegExp(glob) }));
  }

  /** Whether a command is offered at all (for help and completion). */
  offers(command: Command): boolean {
    return !(command.shell && !this.policy.shell) && !(command.admin && !this.policy.admin);
  }

  check(line: string, command: Command): ErrorInfo | undefined {
    const text = line.trim();
    if (command.shell && !this.policy.shell) return forbidden('shell commands are turned off on this server (--no-shell)');
    if (command.admin && !this.policy.admin) return forbidden(`${command.name} is turned off on this server (--no-admin)`);
    const denied = this.deny.find(({ re }) => re.test(text));
    if (denied) return forbidden(`the command matches the --deny pattern "${denied.glob}"`);
    if (this.allow.length > 0 && !this.allow.some((re) => re.test(text))) return forbidden('the command matches no --allow pattern');
    return undefined;
  }
}

function forbidden(message: string): ErrorInfo {
  return { code: ErrorCode.FORBIDDEN, message: `forbidden: ${message}` };
}
