import type { Command } from '../command.js';
import { runShell } from '../shell/run-shell.js';

export const dos: Command = {
  name: 'dos',
  usage: 'dos:<command>',
  summary: 'run a command with cmd.exe (Windows servers)',
  shell: true,
  run: (ctx) => runShell('dos', ctx),
};
