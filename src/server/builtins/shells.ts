import type { Command } from '../command.js';
import { runShell } from '../shell/run-shell.js';
import type { ShellName } from '../shell/shells.js';

function shellCommand(name: ShellName, summary: string): Command {
  return { name, usage: `${name}:<command>`, summary, shell: true, run: (ctx) => runShell(name, ctx) };
}

/** `linux:<cmd>`, `dos:<cmd>`, `powershell:<cmd>`: one command through that shell (src/server/shell/shells.ts picks the program). */
export const linux = shellCommand('linux', 'run a command with /bin/sh (Linux, macOS and other POSIX servers)');
export const dos = shellCommand('dos', 'run a command with cmd.exe (Windows servers)');
export const powershell = shellCommand('powershell', 'run a command with Windows PowerShell (Windows servers)');
