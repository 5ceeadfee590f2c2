import type { Command } from '../command.js';
import { runShell } from '../shell/run-shell.js';

export const linux: Command = {
  name: 'linux',
  usage: 'linux:<command>',
  summary: 'run a command with /bin/sh (Linux, macOS and other POSIX servers)',
  shell: true,
  run: (ctx) => runShell('linux', ctx),
};
