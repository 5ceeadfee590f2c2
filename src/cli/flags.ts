/**
 * How a command's flags and positional arguments are declared: once, with
 * their type, default, description and check. The parsed arguments' types
 * come from the declaration (`ArgsOf`), yargs' help and the fast path read
 * the same declaration (command-line.ts), and every value is checked here,
 * with one message shape: `--timeout: expected a duration in ms (e.g. 5000),
 * got "abc"`.
 */
import { ErrorCode, MAX_TIMER_MS, TcpcmdError, errorMessage, parseDuration, parseHostPort } from '../protocol/index.js';

/** A flag: `--name value` (or `--name` for a boolean), with its reader. `T` includes undefined when it has no default. */
export interface Flag<T> {
  readonly kind: 'boolean' | 'value';
  readonly describe: string;
  /** A one-letter short form (`-t`). */
  readonly alias?: string;
  /** Given several times, every value counts (an array); otherwise the last one does. */
  readonly multiple?: boolean;
  readonly default?: T;
  /** What the value is, for help: `ms`, `csv|jsonl|json|junit`. */
  readonly hint?: string;
  /** A valid value (the parity test gives it to both parsers). */
  readonly example?: string;
  /** The text given (one occurrence) -> the value; throws FlagProblem with what was expected. */
  readonly read: (text: string) => unknown;
}

/** A positional argument. `rest` takes every word from there on (exec's remote command). */
export interface Positional<T> {
  readonly describe: string;
  readonly required: boolean;
  readonly rest?: boolean;
  /** A `rest` that is a list, not a command: flags may come before, among or after its words (top's servers). */
  readonly flagsAnywhere?: boolean;
  readonly read: (text: string) => unknown;
  /** A valid value (the parity test gives it to both parsers). */
  readonly example: string;
  /** Not taken when this flag is given before it: `exec --targets servers.csv CMD` has no target word. */
  readonly absentWith?: string;
  /** Phantom: carries the value type for ArgsOf. */
  readonly type?: T;
}

export type Flags = Record<string, Flag<unknown>>;
export type Positionals = Record<string, Positional<unknown>>;

/** The parsed arguments of a command, typed by its declaration. */
export type ArgsOf<F extends Flags, P extends Positionals = Record<never, never>> = {
  -readonly [K in keyof F]: F[K] extends Flag<infer T> ? T : never;
} & {
  -readonly [K in keyof P]: P[K] extends Positional<infer T> ? T : never;
};

/** What a reader throws: the expectation, e.g. `a duration in ms (e.g. 5000)`; the caller adds the flag's name and the text given. */
export class FlagProblem extends Error {
  constructor(readonly expected: string, readonly detail?: string) {
    super(expected);
  }
}

/** The one message shape of a bad value: `--timeout: expected a duration in ms (e.g. 5000), got "abc"`. */
export function badValue(name: string, text: string, problem: FlagProblem): TcpcmdError {
  return new TcpcmdError(ErrorCode.USAGE, `${name}: expected ${problem.expected}, got "${text}"${problem.detail ? `: ${problem.detail}` : ''}`);
}

interface Common {
  alias?: string;
}
type WithDefault<T, O> = O extends { default: T } ? T : T | undefined;

function valueFlag<T, O extends Common & { default?: T }>(describe: string, read: (text: string) => T, options: O | undefined, hint: string, example: string): Flag<WithDefault<T, O>> {
  return { kind: 'value', describe, read, ...options, hint, example };
}

/** Readers: text -> value, or FlagProblem saying what was expected. */
export const read = {
  /** Also takes a unit (500ms, 1.5s, 2m), as the `timeout` cell of a commands file does. */
  ms(zero?: string): (text: string) => number {
    return (text) => {
      const ms = parseDuration(text, zero ? 0 : 1);
      if (ms === undefined) {
        const tooLong = Number(text) > MAX_TIMER_MS ? `at most ${MAX_TIMER_MS} (about 24.8 days)` : undefined;
        throw new FlagProblem(`a duration in ms (e.g. 5000)${zero ? `, or 0 (${zero})` : ''}`, tooLong);
      }
      return ms;
    };
  },
  /** `zero` says what 0 means, when it is the least value. */
  int(min: number, max = Number.MAX_SAFE_INTEGER, zero?: string): (text: string) => number {
    return (text) => {
      const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
      if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
        const least = zero && min === 0 ? `0 (${zero})` : String(min);
        throw new FlagProblem(max === Number.MAX_SAFE_INTEGER ? `a whole number, ${least} or more` : `a whole number from ${least} to ${max}`);
      }
      return n;
    };
  },
  target(text: string): string {
    try {
      parseHostPort(text);
    } catch (err) {
      // The text is quoted once, after "got": the detail says what in it is wrong.
      const why = errorMessage(err).replace(/^(port|host) in "[^"]*"/, 'the $1').replace(/^(\[[^\]]*\]) in "[^"]*"/, '$1').replace(/^"[^"]*" has/, 'it has');
      throw new FlagProblem('host[:port] (e.g. 127.0.0.1:10000, or [::1]:10000 for IPv6)', why);
    }
    return text.trim();
  },
  /** Several host[:port], comma-separated (`web-1,10.0.0.6:10001`), each read as `target` reads it. */
  targets(text: string): string {
    const parts = text.split(',');
    if (parts.some((p) => p.trim() === '')) throw new FlagProblem('host[:port], or several joined by commas (e.g. 10.0.0.5,10.0.0.6:10001)', 'an entry of the list is empty');
    return parts.map((p) => read.target(p)).join(',');
  },
  /** An address to listen on, without a port (that is --port's). */
  host(text: string): string {
    let host: string | undefined;
    try {
      const given = parseHostPort(text);
      if (given.port === null && text.trim() !== '') host = given.host;
    } catch {
      // said below
    }
    if (host === undefined) throw new FlagProblem('a host name or an address to listen on (e.g. 127.0.0.1, 0.0.0.0 or ::), without a port');
    return host;
  },
  text(text: string): string {
    return text;
  },
};

/** The flag kinds. Give `default` to make the value always present (its type loses `| undefined`). */
export const flag = {
  boolean<O extends Common & { default?: boolean }>(describe: string, options?: O): Flag<WithDefault<boolean, O>> {
    return { kind: 'boolean', describe, read: () => true, ...options };
  },
  string<O extends Common & { default?: string }>(describe: string, options?: O): Flag<WithDefault<string, O>> {
    return valueFlag(describe, read.text, options, 'text', 'x');
  },
  /** A file path (`-` may mean stdin where the command says so). */
  file<O extends Common & { default?: string }>(describe: string, options?: O): Flag<WithDefault<string, O>> {
    return valueFlag(describe, read.text, options, 'file', 'x.csv');
  },
  /** A duration in ms (units accepted: 500ms, 1.5s, 2m); `zero` allows 0 and says what it means. */
  ms<O extends Common & { default?: number; zero?: string }>(describe: string, options?: O): Flag<WithDefault<number, O>> {
    return valueFlag(describe, read.ms(options?.zero), options, 'ms', '1500');
  },
  /** A whole number from `min` to `max`. */
  int<O extends Common & { default?: number; min: number; max?: number; zero?: string }>(describe: string, options: O): Flag<WithDefault<number, O>> {
    return valueFlag(describe, read.int(options.min, options.max, options.zero), options, 'number', String(options.max ?? options.min + 1));
  },
  /** An address to listen on (no port). */
  host<O extends Common & { default?: string }>(describe: string, options?: O): Flag<WithDefault<string, O>> {
    return valueFlag(describe, read.host, options, 'host', '::');
  },
  /** host[:port], checked strictly before anything runs. */
  target<O extends Common & { default?: string }>(describe: string, options?: O): Flag<WithDefault<string, O>> {
    return valueFlag(describe, read.target, options, 'host[:port]', '[::1]:2000');
  },
  choice<const C extends readonly string[], O extends Common & { default?: C[number] }>(describe: string, choices: C, options?: O): Flag<WithDefault<C[number], O>> {
    const readChoice = (text: string): C[number] => {
      const found = choices.find((c) => c === text);
      if (found === undefined) throw new FlagProblem(`one of ${choices.join(', ')}`);
      return found;
    };
    return valueFlag(describe, readChoice, options, choices.join('|'), choices[choices.length - 1] ?? '');
  },
  /** Any value with a reader of its own (e.g. `--shard i/n`): `hint` says what it is, `example` is a valid one. */
  custom<T, O extends Common & { default?: T }>(describe: string, kind: { hint: string; example: string }, reader: (text: string) => T, options?: O): Flag<WithDefault<T, O>> {
    return valueFlag(describe, reader, options, kind.hint, kind.example);
  },
  /** Given several times, every value counts: `--allow 'cpu' --allow 'ram'`. */
  list(describe: string, options?: Common): Flag<string[]> {
    return { kind: 'value', describe, read: read.text, multiple: true, default: [], hint: 'text', example: 'x*', ...options };
  },
};

export const positional = {
  /** host[:port], checked strictly. */
  target<O extends { optional?: boolean }>(describe: string, options?: O): Positional<O extends { optional: true } ? string | undefined : string> {
    return { describe, required: !options?.optional, read: read.target, example: '127.0.0.1:10000' };
  },
  /** host[:port], or several joined by commas; with `absentWith`, left out when that flag is given (then undefined). */
  targets<O extends { optional?: boolean; absentWith?: string }>(describe: string, options?: O): Positional<O extends { optional: true } | { absentWith: string } ? string | undefined : string> {
    return { describe, required: !options?.optional, read: read.targets, example: '127.0.0.1:10000,[::1]:10001', ...(options?.absentWith ? { absentWith: options.absentWith } : {}) };
  },
  string<O extends { optional?: boolean }>(describe: string, options?: O): Positional<O extends { optional: true } ? string | undefined : string> {
    return { describe, required: !options?.optional, read: read.text, example: 'x.csv' };
  },
  /** Every word from here on, options included, as typed (at least one, unless `optional`). */
  rest(describe: string, options?: { optional?: boolean }): Positional<string[]> {
    return { describe, required: !options?.optional, rest: true, read: read.text, example: 'echo' };
  },
  /** Every remaining word that is not a flag (a list of servers): flags may come anywhere, `--` ends them. */
  list(describe: string, options?: { optional?: boolean }): Positional<string[]> {
    return { describe, required: !options?.optional, rest: true, flagsAnywhere: true, read: read.text, example: '127.0.0.1:10000' };
  },
};
