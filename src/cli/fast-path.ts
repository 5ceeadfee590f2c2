import { parseArgs } from 'node:util';
import { ErrorCode, TcpcmdError } from '../protocol/index.js';
import { CLIENT_FLAGS, type FlagSpec } from './client-options.js';
import { EXEC_FLAGS, runExec, type ExecArgs } from './commands/exec.js';
import { RUN_FLAGS, runRun, type RunArgs } from './commands/run.js';

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** A command's flags as yargs declares them, and as Node's parseArgs reads them. */
function flagSet(own: Record<string, FlagSpec>): { specs: Record<string, FlagSpec>; options: ParseOptions } {
  const specs = { ...CLIENT_FLAGS, ...own };
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const), ...(spec.alias ? { short: spec.alias } : {}) }]),
  );
  return { specs, options };
}

const EXEC = flagSet(EXEC_FLAGS);
const RUN = flagSet(RUN_FLAGS);

/**
 * `tcpcmd exec` and `tcpcmd run` are meant for scripts and CI, which call
 * them many times, so they skip yargs (its loading was a fifth of exec's run
 * time) and read the same flag declarations with Node's own parseArgs.
 * Anything else — help, a flag tcpcmd does not know, `--no-…`, a missing
 * argument, a value not among the choices — returns false, and yargs answers
 * with its help and messages as always. Both read a flag given twice as its
 * last value.
 */
export async function fastPath(argv: string[]): Promise<boolean> {
  if (argv[0] === 'exec') return fastExec(argv.slice(1));
  if (argv[0] === 'run') return fastRun(argv.slice(1));
  return false;
}

/** Parsed values, typed as declared; undefined when yargs should answer instead. */
function readFlags(args: string[], set: typeof RUN): { values: Record<string, unknown>; positionals: string[] } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options: set.options, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(set.specs)) {
    const value = raw[name] ?? spec.default;
    if (value === undefined) continue;
    if (spec.choices && !spec.choices.includes(String(value))) return undefined;
    if (spec.type === 'number') {
      const n = Number(value);
      if (typeof value === 'string' && (value.trim() === '' || !Number.isFinite(n))) {
        throw new TcpcmdError(ErrorCode.USAGE, `--${name} must be a number${spec.unit ? ` of ${spec.unit}` : ''}, got "${value}"`);
      }
      values[name] = n;
    } else values[name] = value;
  }
  return { values, positionals: parsed.positionals };
}

async function fastRun(args: string[]): Promise<boolean> {
  const read = readFlags(args, RUN);
  if (!read || read.positionals.length !== 1) return false;
  // The values are typed by the same tables (RUN_FLAGS, CLIENT_FLAGS) that declare RunArgs to yargs.
  await runRun({ ...read.values, file: read.positionals[0] } as RunArgs);
  return true;
}

/**
 * As in ssh, exec's options come before the command: from the first word
 * after the target on (or after `--`), everything is the remote command,
 * `-l` and `--timeout` included.
 */
async function fastExec(args: string[]): Promise<boolean> {
  const { tokens } = parseArgs({ args, options: EXEC.options, allowPositionals: true, strict: false, tokens: true });
  // Where the remote command starts: the second positional, or what follows `--`.
  let start = args.length;
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      start = positionals === 0 ? start : token.index + 1;
      break;
    }
    if (token.kind === 'positional' && ++positionals === 2) {
      start = token.index;
      break;
    }
  }
  const command = args.slice(start);
  const read = readFlags(args.slice(0, start).filter((a) => a !== '--'), EXEC);
  const [target] = read?.positionals ?? [];
  if (!read || target === undefined || read.positionals.length !== 1 || command.length === 0) return false;
  await runExec({ ...read.values, target, command } as ExecArgs);
  return true;
}
