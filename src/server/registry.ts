import { ErrorCode, type ErrorInfo } from '../protocol/index.js';
import type { Command } from './command.js';
import { closest } from '../protocol/suggest.js';

export interface Resolved {
  command: Command;
  /** The name as typed, lower-cased. */
  name: string;
  args: string;
}

const SHELL_PREFIX = /^([a-z]+):([\s\S]*)$/i;

/** Finds the command for a command line: case-insensitive names and aliases, `prefix:` shell commands. */
export class CommandRegistry {
  private readonly byName = new Map<string, Command>();

  constructor(readonly commands: readonly Command[]) {
    for (const command of commands) {
      for (const name of [command.name, ...(command.aliases ?? [])]) this.byName.set(name.toLowerCase(), command);
    }
  }

  /** Every name a user may type (shell commands with their colon), for completion. */
  names(): string[] {
    return this.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((n) => (c.shell ? `${n}:` : n)));
  }

  resolve(line: string): Resolved | { error: ErrorInfo } {
    const text = line.trim();
    if (text === '') return { error: { code: ErrorCode.BAD_ARGUMENTS, message: 'empty command: type help for the list of commands' } };
    const prefixed = SHELL_PREFIX.exec(text);
    if (prefixed) {
      const name = (prefixed[1] ?? '').toLowerCase();
      const command = this.byName.get(name);
      if (command?.shell) return { command, name, args: (prefixed[2] ?? '').trim() };
    }
    const space = text.search(/\s/);
    const name = (space === -1 ? text : text.slice(0, space)).toLowerCase();
    const args = space === -1 ? '' : text.slice(space + 1).trim();
    const command = this.byName.get(name);
    if (command && !command.shell) return { command, name, args };
    if (command?.shell) {
      return { error: { code: ErrorCode.BAD_ARGUMENTS, message: `${name} runs a shell command: write it as ${name}:<command>, e.g. ${name}:ls` } };
    }
    const guess = closest(name, this.names().map((n) => n.replace(/:$/, '')));
    const hint = guess ? ` — did you mean "${guess}"?` : '';
    return { error: { code: ErrorCode.UNKNOWN_COMMAND, message: `unknown command "${name.slice(0, 60)}"${hint} (type help for the list)` } };
  }
}
