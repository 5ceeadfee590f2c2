import { ErrorCode, TcpcmdError, parseDuration } from '../../protocol/index.js';
import { defineCommand } from '../command.js';
import { CLIENT_FLAGS, connectOptionsFrom, type ClientFlags } from '../client-options.js';
import { Exit } from '../exit-codes.js';
import { FlagProblem, flag, positional } from '../flags.js';
import { onInterrupt } from '../interrupts.js';

/** `--interval`: seconds as top, watch and vmstat take them (`2`, `0.5`), or a duration with its unit (`2s`, `500ms`, `1m`); in ms. */
const DEFAULT_INTERVAL_MS = 2_000;

function readInterval(text: string): number {
  const plain = /^\s*\d+(\.\d+)?\s*$/.test(text);
  const ms = plain ? Math.round(Number(text) * 1000) : (parseDuration(text) ?? NaN);
  if (!(ms >= 100 && ms <= 86_400_000)) throw new FlagProblem('seconds from 0.1 to 86400 (e.g. 2, or 0.5), or a duration with its unit (500ms, 2s, 1m)');
  return ms;
}

export const topCommand = defineCommand({
  name: 'top',
  describe: 'Watch servers: CPU, load, RAM, disk, uptime and round trip, live',
  positionals: {
    // A list, not a command: flags may come before or after the servers.
    servers: positional.list('host[:port] of each server (or --targets servers.csv)', { optional: true }),
  },
  flags: {
    ...CLIENT_FLAGS,
    targets: flag.file('servers.csv (host,port,name,token_env): watch every server in it'),
    // Not `default: 2_000`: help would show it as 2000 seconds.
    interval: flag.custom('Time between polls: seconds (2, 0.5), or with a unit (500ms, 2s, 1m); default 2 s', { hint: 'seconds', example: '0.5' }, readInterval, { alias: 'n' }),
    timeout: flag.ms('A server that does not connect and answer within this many ms is down', { default: 5_000 }),
    once: flag.boolean('Print one table (or one round of --format) and exit: 1 if a server is down'),
    format: flag.choice('table: one table and exit; csv, jsonl: one row per server per interval, a time series', ['table', 'csv', 'jsonl'] as const),
    count: flag.int('With --format csv|jsonl: stop after this many rounds (default: until Ctrl+C)', { min: 1 }),
    ascii: flag.boolean('ASCII only: the sparkline in _.:-=+*# (the default where TERM is linux, vt* or dumb)'),
  },
  examples: [
    ['$0 top --targets servers.csv', 'The live view: arrows select, Enter connects, c/m/d sort by CPU/RAM/disk, / filters, q quits'],
    ['$0 top --once 127.0.0.1:10000 127.0.0.1:10001', 'One table; exit 1 if a server is down'],
    ['$0 top --targets servers.csv --format csv --count 60 --interval 10 > fleet.csv', 'Ten minutes of figures to plot'],
  ],
  run: async (args) => {
    const [{ runTop }, { loadTargets, parseTargetOption }] = await Promise.all([import('../../top/index.js'), import('../../batch/targets.js')]);
    const servers = args.servers;
    if (args.targets !== undefined && servers.length > 0) throw new TcpcmdError(ErrorCode.USAGE, 'give servers on the command line or --targets, not both');
    const targets = args.targets !== undefined ? await loadTargets(args.targets) : servers.map((s) => parseTargetOption(s));
    if (targets.length === 0) throw new TcpcmdError(ErrorCode.USAGE, 'name the servers to watch: tcpcmd top host[:port] ..., or tcpcmd top --targets servers.csv');

    const terminal = Boolean(process.stdout.isTTY && process.stdin.isTTY);
    const format = args.format ?? (args.once || !terminal ? 'table' : undefined);
    if (args.count !== undefined && (format === undefined || format === 'table')) throw new TcpcmdError(ErrorCode.USAGE, '--count goes with --format csv or jsonl');
    const mode = format === undefined ? 'live' : format;
    const count = args.once ? 1 : args.count;
    const color = process.stdout.isTTY === true && !(process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
    // Terminals that cannot draw the sparkline's blocks: the Linux console and the old ones.
    const ascii = args.ascii === true || /^(linux|vt\d+|dumb)$/.test(process.env.TERM ?? '');

    const connect = connectOptionsFrom(args);
    // No trust question in the middle of the screen: an unknown TLS server shows as down, with what to do.
    if (typeof connect.tls === 'object' && connect.tls.knownHosts) delete connect.tls.knownHosts.confirm;

    const controller = new AbortController();
    const stop = mode === 'live' ? () => undefined : onInterrupt(() => controller.abort());
    let readerGone = false;
    const onStdoutError = (err: NodeJS.ErrnoException): void => {
      if (err.code !== 'EPIPE') throw err;
      readerGone = true; // `top --format csv | head`: stop quietly
      controller.abort();
    };
    process.stdout.on('error', onStdoutError);
    try {
      const code = await runTop({
        targets,
        intervalMs: args.interval ?? DEFAULT_INTERVAL_MS,
        timeoutMs: args.timeout,
        connect,
        mode,
        ...(count !== undefined ? { count } : {}),
        style: { color, ascii },
        input: process.stdin,
        output: process.stdout,
        signal: controller.signal,
        connectCommand: (view) => connectCommandFor(view.target, args),
      });
      process.exitCode = readerGone ? Exit.BROKEN_PIPE : controller.signal.aborted ? Exit.INTERRUPTED : code;
    } finally {
      stop();
      process.stdout.removeListener('error', onStdoutError);
    }
  },
});

/** `tcpcmd connect` on one server, with top's own connection flags (and servers.csv, for its name and token). */
function connectCommandFor(target: { key: string; name: string; token?: string }, args: ClientFlags & { targets?: string | undefined }): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const flags: string[] = [];
  for (const name of Object.keys(CLIENT_FLAGS) as (keyof ClientFlags)[]) {
    const value = args[name];
    if (value === undefined || value === false || (name === 'connect-timeout' && value === CLIENT_FLAGS['connect-timeout'].default)) continue;
    flags.push(value === true ? `--${name}` : `--${name}=${String(value)}`);
  }
  const where = args.targets !== undefined ? ['--targets', args.targets, target.name] : [target.key];
  const env = { ...process.env, ...(target.token !== undefined ? { TCPCMD_TOKEN: target.token } : {}) };
  return { command: process.execPath, args: [...process.execArgv, process.argv[1] ?? 'tcpcmd', 'connect', ...flags, ...where], env };
}
