import { ErrorCode, type ErrorInfo } from '../protocol/index.js';
import type { Command } from './command.js';
import type { Policy } from './options.js';

/**
 * Characters with which a shell line does more than run one program: chain
 * (`;` `&` `|` newline), redirect (`<` `>`), or substitute (`$` `` ` ``).
 */
export const SHELL_CONTROL = ';&|<>$`\n\r';

const CONTROL_CLASS = SHELL_CONTROL.replace(/[\\\]^-]/g, '\\$&').replace('\n', '\\n').replace('\r', '\\r');

/**
 * A glob over a whole command line: `*` is any text, `?` one character;
 * case-insensitive. With `shellSafe`, the wildcards match no shell control
 * character, so `--allow 'linux:systemctl status *'` cannot be stretched
 * into `linux:systemctl status x; rm -rf ~`; such characters match only where
 * the pattern spells them out. With `caseSensitive`, case counts too.
 */
export function globToRegExp(glob: string, shellSafe = false, caseSensitive = false): RegExp {
  const any = shellSafe ? `[^${CONTROL_CLASS}]` : '[\\s\\S]';
  // Replacements as functions: `$` in a replacement string is special.
  const body = glob.trim().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, () => `${any}*`).replace(/\?/g, () => any);
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}

/** `LINUX:echo A` -> `linux:echo A`: the prefix names the command in any case, the rest is the shell's, where case counts. */
function lowerPrefix(line: string): string {
  const colon = line.indexOf(':');
  return colon > 0 && /^[a-z]+$/i.test(line.slice(0, colon)) ? line.slice(0, colon).toLowerCase() + line.slice(colon) : line;
}

/** Decides whether a resolved command may run; returns the FORBIDDEN answer when it may not. */
export class PolicyCheck {
  private readonly allow: { plain: RegExp; shell: RegExp; head: RegExp }[];
  private readonly deny: { glob: string; re: RegExp }[];

  constructor(private readonly policy: Policy) {
    // A shell command's line is matched as the shell reads it, case and all (`linux:echo *` must not let `linux:ECHO a` through);
    // --deny ignores case, so that it refuses more, never less (`dos:DEL` is `dos:del`).
    this.allow = policy.allow.map((glob) => ({ plain: globToRegExp(glob), shell: globToRegExp(lowerPrefix(glob.trim()), true, true), head: globToRegExp(commandWord(glob)) }));
    this.deny = policy.deny.map((glob) => ({ glob, re: globToRegExp(glob) }));
  }

  /**
   * Whether a command is offered at all (help, completion, the ready frame):
   * not when a flag turns it off, a --deny pattern is its bare name, or no
   * --allow pattern starts with it (`linux:echo *` offers `linux`).
   */
  offers(command: Command): boolean {
    if ((command.shell && !this.policy.shell) || (command.admin && !this.policy.admin)) return false;
    const names = [command.name, ...(command.aliases ?? [])];
    if (this.deny.some(({ re }) => names.every((n) => re.test(n)))) return false;
    return this.allow.length === 0 || this.allow.some(({ head }) => names.some((n) => head.test(n)));
  }

  check(line: string, command: Command): ErrorInfo | undefined {
    const text = line.trim();
    if (command.shell && !this.policy.shell) return forbidden('shell commands are turned off on this server (--no-shell)');
    if (command.admin && !this.policy.admin) return forbidden(`${command.name} is turned off on this server (--no-admin)`);
    const denied = this.deny.find(({ re }) => re.test(text));
    if (denied) return forbidden(`the command matches the --deny pattern "${denied.glob}"`);
    const shellText = command.shell ? lowerPrefix(text) : text;
    if (this.allow.length > 0 && !this.allow.some((a) => (command.shell ? a.shell.test(shellText) : a.plain.test(text)))) {
      const hint = command.shell && this.allow.some((a) => a.plain.test(text)) ? ` (for shell commands, --allow patterns match case as written, and their * and ? never match the shell characters ${JSON.stringify(SHELL_CONTROL)})` : '';
      return forbidden(`the command matches no --allow pattern${hint}`);
    }
    return undefined;
  }
}

/** The command word a pattern starts with: `linux:echo *` -> `linux`, `ping 127.*` -> `ping`, `*` -> `*`. */
function commandWord(glob: string): string {
  return glob.trim().split(/[\s:]/, 1)[0] ?? '';
}

function forbidden(message: string): ErrorInfo {
  return { code: ErrorCode.FORBIDDEN, message: `forbidden: ${message}` };
}
