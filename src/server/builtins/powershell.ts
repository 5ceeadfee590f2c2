import type { Command } from '../command.js';
import { runShell } from '../shell/run-shell.js';

export const powershell: Command = {
  name: 'powershell',
  usage: 'powershell:<command>',
  summary: 'run a command with Windows PowerShell (Windows servers)',
  shell: true,
  run: (ctx) => runShell('powershell', ctx),
};
