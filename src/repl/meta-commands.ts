/**
 * The REPL's own commands, which start with a dot (as in node and sqlite3) so
 * they never shadow a server command. One table: `.help` and Tab completion
 * read it too.
 */

/** What a meta command can do to the session. */
export interface MetaContext {
  help(): void;
  /** '' asks (on a terminal) which server. */
  connectTo(target: string): Promise<void>;
  save(file: string): Promise<void>;
  load(file: string): Promise<void>;
  clear(): void;
  leave(): void;
  /** A mistake of the user's: one line, what to do; counts as a failure without a terminal. */
  problem(message: string): void;
}

export interface MetaCommand {
  name: string;
  usage: string;
  summary: string;
  /** The argument is required (the usage says which). */
  needsArgument?: boolean;
  run(ctx: MetaContext, argument: string): Promise<void> | void;
}

export const META_COMMANDS: readonly MetaCommand[] = [
  { name: '.help', usage: '.help', summary: 'this list (the server\'s commands: help)', run: (ctx) => ctx.help() },
  {
    name: '.connect',
    usage: '.connect host[:port]',
    summary: 'talk to another server (no argument: choose, on a terminal)',
    run: (ctx, arg) => ctx.connectTo(arg),
  },
  {
    name: '.save',
    usage: '.save file.csv',
    summary: 'write the session so far as a transcript CSV (replay it with tcpcmd run file.csv)',
    needsArgument: true,
    run: (ctx, arg) => ctx.save(arg),
  },
  {
    name: '.load',
    usage: '.load file.csv',
    summary: 'run a CSV batch (as tcpcmd run does) here, output as it comes',
    needsArgument: true,
    run: (ctx, arg) => ctx.load(arg),
  },
  { name: '.clear', usage: '.clear', summary: 'clear the screen (also Ctrl+L)', run: (ctx) => ctx.clear() },
  { name: '.exit', usage: '.exit', summary: 'leave (also Ctrl+D, or Ctrl+C twice on an empty line)', run: (ctx) => ctx.leave() },
];

/** Runs a meta command line (`.save out.csv`). */
export async function runMeta(ctx: MetaContext, line: string): Promise<void> {
  const name = line.split(/\s/, 1)[0] ?? line;
  const argument = line.slice(name.length).trim();
  const command = META_COMMANDS.find((c) => c.name === name.toLowerCase());
  if (!command) return ctx.problem(`unknown command ${name}: .help lists the REPL's commands, help the server's`);
  if (command.needsArgument && argument === '') return ctx.problem(`${command.name} needs an argument: ${command.usage}`);
  await command.run(ctx, argument);
}

/** `.help`'s text: the meta commands, then the keys. */
export function metaHelp(): string {
  const width = Math.max(...META_COMMANDS.map((c) => c.usage.length)) + 2;
  const lines = META_COMMANDS.map((c) => `  ${c.usage.padEnd(width)}${c.summary}`);
  lines.push(
    '',
    '  Anything else is sent to the server: help lists its commands.',
    '  Tab completes, Up/Down walk the history, Ctrl+C cancels a running command.',
  );
  return lines.join('\n');
}
