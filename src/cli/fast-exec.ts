import { parseArgs } from 'node:util';
import { ErrorCode, TcpcmdError } from '../protocol/index.js';
import { CLIENT_FLAGS, type FlagSpec } from './client-options.js';
import { EXEC_FLAGS, runExec, type ExecArgs } from './commands/exec.js';

const FLAGS: Record<string, FlagSpec> = { ...CLIENT_FLAGS, ...EXEC_FLAGS };
const PARSE_OPTIONS = Object.fromEntries(Object.entries(FLAGS).map(([name, spec]) => [name, { type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const) }]));

/**
 * `tcpcmd exec` is meant for scripts that call it many times, so it skips
 * yargs, whose loading was a fifth of exec's run time, and reads the same
 * flag declarations with Node's own parseArgs. As in ssh, options come before
 * the command: from the first word after the target on (or after `--`),
 * everything is the remote command, `-l` and `--timeout` included.
 * Help, a flag tcpcmd does not know or a missing command return false, and
 * yargs answers with its help and messages.
 */
export async function fastExec(argv: string[]): Promise<boolean> {
  if (argv[0] !== 'exec') return false;
  const args = argv.slice(1);
  const { tokens } = parseArgs({ args, options: PARSE_OPTIONS, allowPositionals: true, strict: false, tokens: true });
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
  let parsed;
  try {
    parsed = parseArgs({ args: args.slice(0, start).filter((a) => a !== '--'), options: PARSE_OPTIONS, allowPositionals: true, strict: true });
  } catch {
    return false;
  }
  const [target] = parsed.positionals;
  if (target === undefined || parsed.positionals.length !== 1 || command.length === 0 || parsed.values.help) return false;
  const values: Record<string, unknown> = { target, command };
  for (const [name, spec] of Object.entries(FLAGS)) {
    const value = (parsed.values as Record<string, string | boolean | undefined>)[name] ?? spec.default;
    if (value === undefined) continue;
    if (spec.type === 'number') {
      const n = Number(value);
      if (typeof value === 'string' && (value.trim() === '' || !Number.isFinite(n))) {
        throw new TcpcmdError(ErrorCode.USAGE, `--${name} must be a number of ms, got "${value}"`);
      }
      values[name] = n;
    } else values[name] = value;
  }
  await runExec(values as unknown as ExecArgs);
  return true;
}
