import { VERSION, type StreamName } from '../../protocol/index.js';
import { connectOptionsFrom, type ClientFlags } from '../client-options.js';
import { describeError, Exit, exitCodeFor } from '../exit-codes.js';
import { onInterrupt } from '../interrupts.js';

/** What exec on many servers reads of exec's flags (exec.ts declares them). */
export interface FanOutArgs extends ClientFlags {
  /** One or more host[:port], comma-separated. */
  target?: string;
  targets?: string;
  command: string[];
  timeout?: number;
  group?: boolean;
  concurrency?: number;
  json?: boolean;
}

/**
 * Sessions open at once when --concurrency is not given: a thousand servers
 * all at once. Measured over a simulated fleet, opening them together costs
 * the client less CPU per server than 256 at a time (each turn of the event
 * loop handles more of them), for about 30 MB more at the peak over 5,000.
 */
export const FAN_OUT_CONCURRENCY = 1000;

/**
 * `tcpcmd exec --targets servers.csv CMD` (or `exec a,b,c CMD`): the command
 * on every server at once, each output line tagged with the server's name (or,
 * with --group, each distinct output once with the servers that gave it),
 * then one line per server that failed. Exit 0 only if every server ran it
 * with exit 0; 3 if none could be reached; else 1 (as `run`).
 */
export async function runExecMany(args: FanOutArgs): Promise<void> {
  try {
    await fanOutExec(args);
  } catch (err) {
    // Its own failures are exit codes of `run`, not ssh's 255: several servers have no one exit code to pass on.
    process.stderr.write(`${describeError(err, 'exec')}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

async function fanOutExec(args: FanOutArgs): Promise<void> {
  const [targets, fleet] = await Promise.all([import('../../batch/targets.js'), import('../../fleet/index.js')]);
  const concurrency = args.concurrency ?? FAN_OUT_CONCURRENCY;
  const list = [
    ...(args.targets !== undefined ? await targets.loadTargets(args.targets) : []),
    ...(args.target !== undefined ? targets.parseTargetList(args.target) : []),
  ];
  const controller = new AbortController();
  const stopHandlers = onInterrupt(() => controller.abort());
  let fan: ReturnType<typeof fleet.fanOut> | undefined;
  // Backpressure: a slow terminal or pipe stops the reading of every session until it has caught up.
  const out = new fleet.BatchedOutput({ stdout: process.stdout, stderr: process.stderr }, { pause: () => fan?.pauseAll(), resume: () => fan?.resumeAll() });
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') throw err;
    out.readerGone = true;
    controller.abort();
  };
  process.stdout.on('error', onStdoutError);
  const write = (stream: StreamName, text: string): void => out.write(stream, text);
  const tagged = new fleet.TaggedLines(list.map((t) => t.name), write);
  const groups = args.group ? new fleet.OutputGroups() : undefined;
  try {
    fan = fleet.fanOut({
      targets: list,
      command: args.command.join(' '),
      concurrency,
      connectOptions: { ...connectOptionsFrom(args), clientName: `tcpcmd-exec/${VERSION}` },
      ...(args.timeout !== undefined ? { timeout: args.timeout } : {}),
      signal: controller.signal,
      // --json: a line of JSON per server as it finishes, its figures in place of its text.
      onOutput: args.json ? undefined : groups ? (t, _stream, data) => groups.add(t.name, data) : (t, stream, data) => tagged.write(t.name, stream, data),
      onDone: args.json ? (o) => write('stdout', `${JSON.stringify(fleet.outcomeJson(o))}\n`) : groups ? undefined : (o) => tagged.end(o.target.name),
    });
    const outcomes = await fan.done;
    if (groups) for (const g of groups.groups(outcomes.filter((o) => o.reached).map((o) => o.target.name))) write('stdout', fleet.formatGroup(g));
    out.flush();
    if (out.readerGone) {
      process.exitCode = Exit.BROKEN_PIPE;
      return;
    }
    const summary = fleet.summarizeFanOut(outcomes);
    if (summary.lines.length > 0) process.stderr.write(`${summary.lines.join('\n')}\n`);
    process.exitCode = controller.signal.aborted ? Exit.INTERRUPTED : summary.exitCode;
  } finally {
    stopHandlers();
    process.stdout.removeListener('error', onStdoutError);
  }
}
