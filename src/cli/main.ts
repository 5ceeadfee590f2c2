import { VERSION } from '../protocol/version.js';
import type { Command } from './command.js';
import { parseFast, unknownCommand, type Parsed } from './command-line.js';
import { parseWithYargs } from './yargs-path.js';
import { describeError, exitCodeFor } from './exit-codes.js';
import { serveCommand } from './commands/serve.js';
import { execCommand } from './commands/exec.js';
import { connectCommand } from './commands/connect.js';
import { runCommand } from './commands/run.js';
import { waitCommand } from './commands/wait.js';
import { uiCommand } from './commands/ui.js';
import { topCommand } from './commands/top.js';

// Every command module is light: its `run` imports the library lazily, so
// `tcpcmd exec` does not load the server, the REPL or the CSV code.
export const COMMANDS: readonly Command[] = [serveCommand, connectCommand, execCommand, runCommand, waitCommand, uiCommand, topCommand];

const YARGS_SETUP = {
  usage: '$0 <command> [options]\n\nRun commands on remote machines over TCP.',
  epilogue:
    'Exit codes: 0 ok, 1 a command failed, 2 usage or input error, 3 cannot connect or auth failed, 130 interrupted; exec exits with the remote exit code (255 for its own failures).\nDocs: README.md and docs/ in the package.',
  version: VERSION,
};

/** Reads the command line: the fast path when it can, yargs for help, version, completion and the rest. */
export async function parseCommandLine(argv: string[]): Promise<Parsed | undefined> {
  const [first = ''] = argv;
  // `tcpcmd --version` alone is answered without loading yargs (two thirds of its start-up); yargs prints the same line.
  if (argv.length === 1 && (first === '--version' || first === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return undefined;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command) return parseFast(command, argv.slice(1)) ?? parseWithYargs(argv, COMMANDS, YARGS_SETUP);
  if (first !== '' && !first.startsWith('-') && first !== 'completion') throw unknownCommand(first, COMMANDS);
  return parseWithYargs(argv, COMMANDS, YARGS_SETUP);
}

export async function main(argv: string[]): Promise<void> {
  const name = COMMANDS.find((c) => c.name === argv[0])?.name;
  try {
    const parsed = await parseCommandLine(argv);
    if (parsed) await parsed.command.run(parsed.args);
  } catch (err) {
    process.stderr.write(`${describeError(err, name)}\n`);
    process.exitCode = exitCodeFor(err, name);
  }
}
