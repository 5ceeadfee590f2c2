import { parseArgs } from 'node:util';
import { CLIENT_FLAGS, type FlagSpec } from './client-options.js';
import { EXEC_FLAGS, runExec, type ExecArgs } from './commands/exec.js';

const FLAGS: Record<string, FlagSpec> = { ...CLIENT_FLAGS, ...EXEC_FLAGS };

/**
 * `tcpcmd exec` is meant for scripts that call it many times, so its common
 * form skips yargs, whose loading was a fifth of exec's run time. It reads
 * the same flag declarations with Node's own parseArgs. Anything unusual —
 * help, a flag it does not know (it may belong to the remote command), `--`,
 * a bad number — returns false and yargs handles it, with its messages.
 */
export async function fastExec(argv: string[]): Promise<boolean> {
  if (argv[0] !== 'exec' || argv.includes('--')) return false;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      options: Object.fromEntries(Object.entries(FLAGS).map(([name, spec]) => [name, { type: spec.type === 'boolean' ? 'boolean' : 'string' }])),
      allowPositionals: true,
      strict: true,
    });
  } catch {
    return false;
  }
  const [target, ...command] = parsed.positionals;
  if (target === undefined || command.length === 0) return false;
  const args: Record<string, unknown> = { target, command };
  for (const [name, spec] of Object.entries(FLAGS)) {
    const value = (parsed.values as Record<string, string | boolean | undefined>)[name] ?? spec.default;
    if (value === undefined) continue;
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) return false;
      args[name] = n;
    } else args[name] = value;
  }
  await runExec(args as unknown as ExecArgs);
  return true;
}
