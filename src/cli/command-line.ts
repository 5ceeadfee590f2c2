/**
 * Reading a command line, two ways, from the one declaration of each
 * command (command.ts, flags.ts); the yargs path is in yargs-path.ts:
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
export interface Found {
  /** Flags in the order given: a boolean's value, or a value flag's text. */
  given: [name: string, value: string | boolean][];
  /** Options no declaration knows, as typed (`--tmeout`, `-x`, `--no-target`). */
  unknown: string[];
  positionals: string[];
  /** The words of a `rest` positional (exec's command), as typed. */
  rest: string[];
}

export const usage = (message: string): TcpcmdError => new TcpcmdError(ErrorCode.USAGE, message);

/** `--name`, or `-n` for a one-letter name. */
export const dashed = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** The positionals before the rest, without those a given flag stands in for (`absentWith`). */
export function fixedPositionals(command: Command, given: ReadonlySet<string> = new Set()): string[] {
  return Object.entries(command.positionals)
    .filter(([, p]) => !p.rest && !(p.absentWith !== undefined && given.has(p.absentWith)))
    .map(([name]) => name);
}

const givenNames = (found: Found): Set<string> => new Set(found.given.map(([name]) => name));

export function restName(command: Command): string | undefined {
  return Object.entries(command.positionals).find(([, p]) => p.rest)?.[0];
}

/** Whether the `rest` positional is a list whose words flags may come among (not a command, which takes them all). */
export function restIsList(command: Command): boolean {
  return Object.values(command.positionals).some((p) => p.rest && p.flagsAnywhere);
}

/** Help and version are yargs' business on either path. */
export const YARGS_OPTIONS = new Set(['help', 'h', 'version', 'V']);

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
  const list = restIsList(command);
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue; // what follows comes as positionals
    if (token.kind === 'positional') {
      if (hasRest && found.positionals.length === fixedPositionals(command, givenNames(found)).length) {
        if (list) {
          found.rest.push(token.value);
          continue;
        }
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

/** Checks what was found and reads every value with its flag's reader: the one place both paths meet. */
export function finish(command: Command, found: Found): Record<string, unknown> {
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

export function missing(name: string, describe: string): TcpcmdError {
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

/** Says what `word` might have meant, when it names no command. */
export function unknownCommand(word: string, commands: readonly Command[]): TcpcmdError {
  const like = closest(word, commands.map((c) => c.name));
  return usage(`unknown command "${word}"${like ? ` (did you mean ${like}?)` : ''}; commands: ${commands.map((c) => c.name).join(', ')}`);
}
