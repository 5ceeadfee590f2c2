import { StringDecoder } from 'node:string_decoder';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamName } from '../../src/protocol/index.js';
import type { Command, RunContext, RunOutcome, ServerControl, SessionInfo } from '../../src/server/command.js';
import { builtinCommands } from '../../src/server/builtins/index.js';

export interface Chunk {
  stream: StreamName;
  data: string;
}

export interface HarnessOptions {
  /** Everything after the command name, as the registry would pass it. */
  args?: string;
  /** The name as typed; defaults to the command's name. */
  name?: string;
  /** Delay every write's promise by this many ms, to exercise backpressure. */
  writeDelayMs?: number;
  /** Called with every chunk as it is written (before the delay). */
  onWrite?: (chunk: Chunk) => void;
  /** What `ctx.server.commands()` returns; defaults to the builtins. */
  commands?: readonly Command[];
  session?: Partial<SessionInfo>;
}

export interface Harness {
  ctx: RunContext;
  controller: AbortController;
  chunks: Chunk[];
  /** The most writes ever in flight at once for one stream: 1 means the writer waited for each. */
  maxInFlight(): number;
  /** Calls made to the fake ServerControl, in order. */
  calls: Array<'disconnect' | 'reset' | 'kill'>;
  stdout(): string;
  stderr(): string;
}

/** A RunContext for one run, as the session would build it, with output collected in memory. */
export function makeHarness(command: Command, options: HarnessOptions = {}): Harness {
  const controller = new AbortController();
  const chunks: Chunk[] = [];
  const decoders: Partial<Record<StreamName, StringDecoder>> = {};
  const calls: Harness['calls'] = [];
  const inFlight = { stdout: 0, stderr: 0 };
  let maxInFlight = 0;
  const server: ServerControl = {
    commands: () => options.commands ?? builtinCommands,
    disconnect: () => void calls.push('disconnect'),
    reset: () => void calls.push('reset'),
    kill: () => void calls.push('kill'),
  };
  const args = (options.args ?? '').trim();
  const ctx: RunContext = {
    name: options.name ?? command.name,
    args,
    argv: args === '' ? [] : args.split(/\s+/),
    signal: controller.signal,
    async write(stream, data) {
      // Bytes read as text the way a client does, a decoder per stream (a character may span chunks).
      const chunk = { stream, data: typeof data === 'string' ? data : (decoders[stream] ??= new StringDecoder('utf8')).write(Buffer.from(data)) };
      chunks.push(chunk);
      options.onWrite?.(chunk);
      inFlight[stream] += 1;
      maxInFlight = Math.max(maxInFlight, inFlight[stream]);
      try {
        if (options.writeDelayMs !== undefined) await sleep(options.writeDelayMs);
      } finally {
        inFlight[stream] -= 1;
      }
    },
    session: {
      id: 's-test',
      remoteAddress: '127.0.0.1',
      remotePort: 50000,
      localAddress: '127.0.0.1',
      localPort: 10000,
      tls: false,
      ...options.session,
    },
    server,
  };
  const text = (stream: StreamName) => () => chunks.filter((c) => c.stream === stream).map((c) => c.data).join('');
  return { ctx, controller, chunks, calls, stdout: text('stdout'), stderr: text('stderr'), maxInFlight: () => maxInFlight };
}

/** Runs a command to its end; returns its outcome with the harness. */
export async function runCommand(command: Command, options: HarnessOptions = {}): Promise<Harness & { outcome: RunOutcome }> {
  const harness = makeHarness(command, options);
  const outcome = await command.run(harness.ctx);
  return { ...harness, outcome };
}

/**
 * True when a process is gone for good: no such pid, or a zombie. A killed
 * grandchild is re-parented to PID 1, and an init that doesn't reap (as in
 * some containers) leaves it a zombie, which `kill(pid, 0)` still finds.
 */
export function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true; // Vanished between the two looks.
  }
}

/** Polls until `check` holds, for at most `ms`; returns whether it did. */
export async function eventually(check: () => boolean, ms = 5000, everyMs = 20): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += everyMs) {
    if (check()) return true;
    await sleep(everyMs);
  }
  return check();
}

/** Kills pids a test started, in case an assertion failed before the code under test did. */
export function killQuietly(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: the usual case.
    }
  }
}
