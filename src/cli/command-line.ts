// size-allowance: the fast path and the yargs path over one declaration, kept together while the flag story settles; to split: each path in a file of its own.
/**
 * Reading a command line, two ways, from the one declaration of each
 * command (command.ts, flags.ts):
 *
 * - the fast path, Node's own `parseArgs`: what runs normally, because
 *   loading yargs costs more than `tcpcmd exec` itself (docs/benchmarks.md);
 * - yargs, for help, --version, shell completion and anything the fast path
 *   leaves to it (options before the command name).
 *
 * Both find the same flags, positionals and remote command; `finish` then
 * checks and reads every value in one place, so both give the same values and
 * the same messages (test/cli/parity.test.ts runs every command's flags
 * through both).
 */
import { parseArgs } from 'node:util';
import { ErrorCode, TcpcmdError, closest } from '../protocol/index.js';
import type { Command } from './command.js';
import { FlagProblem, badValue, type Flag } from './flags.js';

/** A command line read: the command and its checked, typed values. */
export interface Parsed {
  command: Command;
  args: Record<string, unknown>;
}

/** What a tokenizer found, before any value is read. */
interface Found {
  /** Flags in the order given: a boolean's value, or a value flag's text. */
  given: [name: string, value: string | boolean][];
  /** Options no declaration knows, as typed (`--tmeout`, `-x`, `--no-target`). */
  unknown: string[];
  positionals: string[];
  /** The words of a `rest` positional (exec's command), as typed. */
  rest: string[];
}

const usage = (message: string): TcpcmdError => new TcpcmdError(ErrorCode.USAGE, message);

/** `--name`, or `-n` for a one-letter name. */
export const dashed = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** The positionals before the rest, without those a given flag stands in for (`absentWith`). */
function fixedPositionals(command: Command, given: ReadonlySet<string> = new Set()): string[] {
  return Object.entries(command.positionals)
    .filter(([, p]) => !p.rest && !(p.absentWith !== undefined && given.has(p.absentWith)))
    .map(([name]) => name);
}

const givenNames = (found: Found): Set<string> => new Set(found.given.map(([name]) => name));

function restName(command: Command): string | undefined {
  return Object.entries(command.positionals).find(([, p]) => p.rest)?.[0];
}

/** Help and version are yargs' business on either path. */
const YARGS_OPTIONS = new Set(['help', 'h', 'version', 'V']);

/**
 * The fast path: `args` are the words after the command name. Undefined when
 * yargs should answer instead (help, version).
 */
export function parseFast(command: Command, args: string[]): Parsed | undefined {
  const options = Object.fromEntries(
    Object.entries(command.flags).map(([name, f]) => [name, { type: f.kind === 'boolean' ? ('boolean' as const) : ('string' as const), ...(f.alias ? { short: f.alias } : {}) }]),
  );
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, allowNegative: true, tokens: true });
  const found: Found = { given: [], unknown: [], positionals: [], rest: [] };
  const hasRest = restName(command) !== undefined;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue; // what follows comes as positionals
    if (token.kind === 'positional') {
      if (hasRest && found.positionals.length === fixedPositionals(command, givenNames(found)).length) {
        found.rest = args.slice(token.index);
        break;
      }
      found.positionals.push(token.value);
      continue;
    }
    if (YARGS_OPTIONS.has(token.name) && !(token.name in command.flags)) return undefined;
    const declared = command.flags[token.name];
    const negated = token.rawName.startsWith('--no-') && token.rawName !== `--${token.name}`;
    if (!declared || (negated && declared.kind !== 'boolean')) {
      found.unknown.push(token.rawName);
    } else if (declared.kind === 'boolean') {
      if (token.inlineValue) throw usage(`${token.rawName}: takes no value, got "${token.value ?? ''}"`);
      found.given.push([token.name, !negated]);
    } else {
      found.given.push([token.name, token.value ?? '']);
    }
  }
  return { command, args: finish(command, found) };
}

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
      options = false; // from the command's first word on, everything is the command
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

/** Checks what was found and reads every value with its flag's reader: the one place both paths meet. */
function finish(command: Command, found: Found): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const fixed = fixedPositionals(command, givenNames(found));
  fixed.forEach((name, i) => {
    const spec = command.positionals[name];
    if (spec?.required && found.positionals[i] === undefined) throw missing(name, spec.describe);
  });
  const restKey = restName(command);
  const restSpec = restKey === undefined ? undefined : command.positionals[restKey];
  if (restKey !== undefined && restSpec?.required && found.rest.length === 0) throw missing(restKey, restSpec.describe);
  const [unknown] = found.unknown;
  if (unknown !== undefined) {
    const names = Object.keys(command.flags).map(dashed);
    const like = closest(unknown.replace(/=.*/, ''), names);
    throw usage(`unknown option ${unknown}${like ? ` (did you mean ${like}?)` : ''}`);
  }
  const extra = found.positionals[fixed.length];
  if (extra !== undefined) throw usage(`unexpected argument "${extra}"`);
  fixed.forEach((name, i) => {
    const text = found.positionals[i];
    const spec = command.positionals[name];
    if (text !== undefined && spec) args[name] = readValue(`<${name}>`, text, spec.read);
  });
  if (restKey !== undefined) args[restKey] = found.rest;
  for (const [name, f] of Object.entries(command.flags)) if (f.default !== undefined) args[name] = f.default;
  const lists = new Set<string>();
  for (const [name, value] of found.given) {
    const f = command.flags[name] as Flag<unknown>;
    const read = typeof value === 'boolean' ? value : readValue(dashed(name), value, f.read);
    if (!f.multiple) args[name] = read;
    else {
      // The first one given replaces the default; the others add to it.
      const list = lists.has(name) ? (args[name] as unknown[]) : [];
      lists.add(name);
      args[name] = [...list, read];
    }
  }
  return args;
}

function missing(name: string, describe: string): TcpcmdError {
  return usage(`missing <${name}>: ${describe.charAt(0).toLowerCase()}${describe.slice(1)}`);
}

function readValue(name: string, text: string, reader: (text: string) => unknown): unknown {
  try {
    return reader(text);
  } catch (err) {
    if (err instanceof FlagProblem) throw badValue(name, text, err);
    throw err;
  }
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

/** Says what `word` might have meant, when it names no command. */
export function unknownCommand(word: string, commands: readonly Command[]): TcpcmdError {
  const like = closest(word, commands.map((c) => c.name));
  return usage(`unknown command "${word}"${like ? ` (did you mean ${like}?)` : ''}; commands: ${commands.map((c) => c.name).join(', ')}`);
}
