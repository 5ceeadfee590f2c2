/**
 * The yargs path of reading a command line (command-line.ts has the fast
 * path and what both share): help, --version, shell completion and anything
 * the fast path leaves to it, from the same declarations. yargs finds the
 * flags, positionals and remote command; `finish` reads them as the fast
 * path's are read.
 */
import type { TcpcmdError } from '../protocol/index.js';
import type { Command } from './command.js';
import type { Flag } from './flags.js';
import { YARGS_OPTIONS, dashed, finish, fixedPositionals, missing, restIsList, restName, usage, type Found, type Parsed } from './command-line.js';

/** The declared flag `arg` names (`--name`, `--name=v` or `-n`). */
function flagName(command: Command, arg: string): string | undefined {
  const name = arg.startsWith('--') ? arg.slice(2).replace(/=.*/, '') : arg.length === 2 ? Object.keys(command.flags).find((n) => command.flags[n]?.alias === arg[1]) : undefined;
  return name !== undefined && name in command.flags ? name : undefined;
}

/** The declared flag `arg` names exactly (`--name` or `-n`), when it takes a value. */
function valueFlag(command: Command, arg: string): Flag<unknown> | undefined {
  const name = arg.includes('=') ? undefined : flagName(command, arg);
  const f = name === undefined ? undefined : command.flags[name];
  return f?.kind === 'value' ? f : undefined;
}

/** Marks a positional word stood in for by a placeholder, so that yargs cannot read it as anything else. */
const PLACEHOLDER = '\u{E000}';

/**
 * Before yargs reads the words after the command name: a value flag and its
 * value become one word (`--shard=-1/2`, which yargs would otherwise read as
 * a flag), and every positional word — after `--`, and all of a `rest`
 * positional's words (`-n`, `--timeout` included) — is stood in for by a
 * placeholder: yargs places the placeholders, and `foundByYargs` puts the
 * words back, untouched.
 */
function prepareForYargs(command: Command, args: string[]): Prepared {
  const prepared: Prepared = { words: [], texts: [], unknown: new Set(), restFrom: Infinity };
  const given = new Set<string>();
  const hasRest = restName(command) !== undefined;
  const place = (text: string): void => {
    prepared.words.push(`${PLACEHOLDER}${prepared.texts.length}`);
    prepared.texts.push(text);
  };
  let positionals = 0;
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (options && arg === '--') {
      options = false;
      continue;
    }
    if (options && arg.startsWith('-') && arg !== '-') {
      const named = flagName(command, arg);
      if (named !== undefined) given.add(named);
      if (valueFlag(command, arg) && i + 1 < args.length) prepared.words.push(`${arg}=${args[++i] as string}`);
      else if (knownOption(command, arg)) prepared.words.push(arg);
      else {
        // yargs would read an unknown option's next word as its value, or (in a positional's place) lose it.
        prepared.unknown.add(prepared.texts.length);
        place(arg);
      }
      continue;
    }
    if (hasRest && prepared.restFrom === Infinity && positionals === fixedPositionals(command, given).length) {
      prepared.restFrom = prepared.texts.length;
      if (!restIsList(command)) options = false; // from a command's first word on, everything is the command
    }
    positionals++;
    place(arg);
  }
  return prepared;
}

interface Prepared {
  /** What yargs reads. */
  words: string[];
  /** The words placeholders stand for. */
  texts: string[];
  /** Which of them are options no declaration knows. */
  unknown: Set<number>;
  /** The first of them that is a `rest` positional's word. */
  restFrom: number;
}

/** An option yargs knows from the declaration: a flag (`--name`, `--name=v`, `--no-name`, `-n`, `-qy`), help or version. */
function knownOption(command: Command, arg: string): boolean {
  const long = /^--([^=]+)/.exec(arg)?.[1];
  const flags = command.flags;
  if (long !== undefined) {
    const negated = long.startsWith('no-') ? flags[long.slice(3)] : undefined;
    return long in flags || YARGS_OPTIONS.has(long) || negated?.kind === 'boolean';
  }
  const letters = arg.slice(1).replace(/=.*/, '');
  return [...letters].every((c) => YARGS_OPTIONS.has(c) || Object.values(flags).some((f) => f.alias === c));
}

/** What yargs found, in the shape the fast path finds it. */
function foundByYargs(command: Command, argv: Record<string, unknown>, { texts, unknown, restFrom }: Prepared): Found {
  const found: Found = { given: [], unknown: [], positionals: [], rest: [] };
  // Every positional yargs may have filled, those a flag stands in for included: the words' indexes say what they are.
  const names = Object.keys(command.positionals).filter((n) => !command.positionals[n]?.rest);
  const restKey = restName(command);
  // yargs fills the positionals in order from the words it did not take as options; unknown options are among them.
  const placed = [...names.map((n) => argv[n]), ...(restKey === undefined ? [] : [argv[restKey]].flat()), ...(argv._ as unknown[]).slice(1)];
  for (const value of placed) {
    if (value === undefined) continue;
    const text = String(value);
    const index = text.startsWith(PLACEHOLDER) ? Number(text.slice(PLACEHOLDER.length)) : NaN;
    const word = texts[index];
    if (word === undefined || unknown.has(index)) found.unknown.push(word ?? text);
    else if (index >= restFrom) found.rest.push(word);
    else found.positionals.push(word);
  }
  // yargs sets a flag under its short form too: those keys are not flags of their own.
  const aliases = new Set(Object.values(command.flags).map((f) => f.alias));
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key === '$0' || key in command.positionals || aliases.has(key)) continue;
    const declared = command.flags[key];
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!declared) {
      found.unknown.push(values[0] === false ? `--no-${key}` : dashed(key));
      continue;
    }
    for (const v of values) {
      if (declared.kind === 'boolean') {
        if (typeof v !== 'boolean') throw usage(`${dashed(key)}: takes no value, got "${String(v)}"`);
        found.given.push([key, v]);
      } else if (v === false) found.unknown.push(`--no-${key}`);
      else found.given.push([key, v === true ? '' : String(v)]);
    }
  }
  return found;
}

/** How a positional appears in usage: `<target>`, `[target]`, `<command..>`. */
function usageOf(command: Command): string {
  const words = Object.entries(command.positionals).map(([name, p]) => (p.required && p.absentWith === undefined ? `<${name}${p.rest ? '..' : ''}>` : `[${name}${p.rest ? '..' : ''}]`));
  return [command.name, ...words].join(' ');
}

export interface YargsSetup {
  usage: string;
  epilogue: string;
  version: string;
}

/**
 * The yargs path: reads `argv` (the whole command line) with yargs, whose
 * help, version and completion come from the same declarations. Undefined
 * when yargs answered by itself (help, version, completion).
 */
export async function parseWithYargs(argv: string[], commands: readonly Command[], setup: YargsSetup): Promise<Parsed | undefined> {
  const { default: yargs } = await import('yargs');
  const named = commands.find((c) => c.name === argv[0]);
  const prepared: Prepared = named ? prepareForYargs(named, argv.slice(1)) : { words: argv.slice(1), texts: [], unknown: new Set(), restFrom: Infinity };
  let parsed: Parsed | undefined;
  const program = yargs(argv.length === 0 ? [] : [argv[0] as string, ...prepared.words])
    .scriptName('tcpcmd')
    .usage(setup.usage)
    .parserConfiguration({
      'camel-case-expansion': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'dot-notation': false,
      'duplicate-arguments-array': true,
      'greedy-arrays': false,
    })
    .completion('completion', 'Print a bash/zsh completion script (source it from ~/.bashrc or ~/.zshrc)')
    .demandCommand(1, `Name a command: ${commands.map((c) => c.name).join(', ')}.`)
    .version(setup.version)
    .alias('h', 'help')
    .alias('V', 'version')
    .epilogue(setup.epilogue)
    .wrap(null) // the terminal wraps: yargs' own wrapping cut words in two in long option descriptions
    .fail((message, err) => {
      if (err) throw err;
      throw yargsProblem(message, named);
    });
  for (const command of commands) {
    program.command({
      command: usageOf(command),
      describe: command.describe,
      builder: (y) => {
        for (const [name, p] of Object.entries(command.positionals)) y.positional(name, { type: 'string', describe: p.describe });
        for (const [name, f] of Object.entries(command.flags)) {
          const shown = Array.isArray(f.default) ? undefined : f.default === undefined || f.default === false ? undefined : String(f.default);
          y.option(name, {
            type: f.kind === 'boolean' ? 'boolean' : 'string',
            describe: f.hint && f.hint.includes('|') ? `${f.describe} (${f.hint.split('|').join(', ')})` : f.describe,
            ...(f.alias ? { alias: f.alias } : {}),
            ...(shown !== undefined ? { defaultDescription: shown } : {}),
          });
        }
        for (const [example, says] of command.examples) y.example(example, says);
        return y;
      },
      handler: (values) => {
        // Options before the command's name would be read without the command's declarations.
        if (argv[0] !== command.name) throw usage(`options go after the command's name: tcpcmd ${command.name} [options] …`);
        parsed = { command, args: finish(command, foundByYargs(command, values, prepared)) };
      },
    });
  }
  await program.parseAsync();
  return parsed;
}

/** yargs' own complaints, said as the fast path says them. */
function yargsProblem(message: string, command: Command | undefined): TcpcmdError {
  const notEnough = /^Not enough non-option arguments: got (\d+)/.exec(message);
  if (notEnough && command) {
    const entries = Object.entries(command.positionals);
    const [name, spec] = entries[Number(notEnough[1])] ?? entries[entries.length - 1] ?? [];
    if (name && spec) return missing(name, spec.describe);
  }
  return usage(message);
}
