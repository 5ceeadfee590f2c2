import { disconnect, kill, reset } from './session-control.js';
import { dos, linux, powershell } from './shells.js';
import type { Command } from '../command.js';
import { cpu } from './cpu.js';
import { disk } from './disk.js';
import { echo } from './echo.js';
import { help } from './help.js';
import { hostname } from './hostname.js';
import { info } from './info.js';
import { ip } from './ip.js';
import { node } from './node.js';
import { osCommand } from './os.js';
import { ping } from './ping.js';
import { python } from './python.js';
import { ram } from './ram.js';
import { uptime } from './uptime.js';
import { version } from './version.js';

/** Every builtin, in the order `help` lists them: system facts, tools, this connection, shells, then session and admin. */
export const builtinCommands: readonly Command[] = [
  help,
  osCommand,
  cpu,
  ram,
  disk,
  hostname,
  ip,
  uptime,
  version,
  python,
  node,
  ping,
  echo,
  info,
  linux,
  dos,
  powershell,
  disconnect,
  reset,
  kill,
];
