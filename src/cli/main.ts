import type { CommandModule } from 'yargs';
import { VERSION } from '../protocol/version.js';
import { describeError, Exit, exitCodeFor } from './exit-codes.js';
import { fastPath } from './fast-path.js';
import { serveCommand } from './commands/serve.js';
import { execCommand } from './commands/exec.js';
import { connectCommand } from './commands/connect.js';
import { runCommand } from './commands/run.js';
import { waitCommand } from './commands/wait.js';
import { uiCommand } from './commands/ui.js';

// Every command module is light: its handler imports the library lazily, so
// `tcpcmd exec` does not load the server, the REPL or the CSV code.
const commands: CommandModule<object, never>[] = [
  serveCommand,
  connectCommand,
  execCommand,
  runCommand,
  waitCommand,
  uiCommand,
] as unknown as CommandModule<object, never>[]; // each module types its own argv

const names = ['serve', 'connect', 'exec', 'run', 'wait', 'ui'];

export async function main(argv: string[]): Promise<void> {
  const first = argv.find((a) => !a.startsWith('-'));
  const name = first && names.includes(first) ? first : undefined;
  try {
    if (await fastPath(argv)) return;
    await parse(argv, name);
  } catch (err) {
    process.stderr.write(`${describeError(err, name)}\n`);
    process.exitCode = exitCodeFor(err, name);
  }
}

async function parse(argv: string[], name: string | undefined): Promise<void> {
  const { default: yargs } = await import('yargs');
  await yargs(argv)
    .scriptName('tcpcmd')
    .usage('$0 <command> [options]\n\nRun commands on remote machines over TCP.')
    .command(commands)
    .demandCommand(1, 'Name a command: serve, connect, exec, run, wait or ui.')
    .recommendCommands()
    .strict()
    .version(VERSION)
    .alias('h', 'help')
    .alias('V', 'version')
    .epilogue('Exit codes: 0 ok, 1 a command failed, 2 usage or input error, 3 cannot connect or auth failed, 130 interrupted; exec exits with the remote exit code (255 for its own failures).\nDocs: README.md and docs/ in the package.')
    .wrap(null) // the terminal wraps: yargs' own wrapping cut words in two in long option descriptions
    .fail((message, err) => {
      if (err) throw err;
      process.stderr.write(`tcpcmd${name ? ` ${name}` : ''}: ${message}\nRun \`tcpcmd ${name ? `${name} ` : ''}--help\` for usage.\n`);
      process.exit(name === 'exec' ? Exit.EXEC_FAILURE : Exit.USAGE);
    })
    .parseAsync();
}
