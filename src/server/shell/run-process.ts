import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { ErrorCode, isTcpcmdError, errorMessage } from '../../protocol/index.js';
import type { RunOutcome } from '../command.js';
import { drainAfterExit } from './drain-after-exit.js';
import { killTree } from './kill-tree.js';
import { trackProcess } from './live-processes.js';
import { failure } from './outcome.js';
import { pumpOutput, type OutputPump, type Write } from './output-pump.js';
import { spawnFailed } from './spawn-error.js';

export interface RunProcessOptions {
  /** The program; looked up on PATH. Never run through a shell. */
  file: string;
  args: readonly string[];
  /** Aborting kills the whole process tree at once; the caller reads `signal.reason`. */
  signal: AbortSignal;
  /** Receives stdout and stderr bytes; the stream waits for each promise (backpressure). */
  write: Write;
  /** Piped to the program's stdin (with backpressure, its end closes it); without it stdin is empty. */
  stdin?: Readable | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The answer when the program does not exist (ENOENT), in place of the
   * generic SPAWN_FAILED: a better hint, or a fallback to another program.
   */
  ifNotFound?: () => RunOutcome | Promise<RunOutcome>;
  /** Windows only: hand `args` to the program untouched (cmd.exe does its own quoting). */
  windowsVerbatimArguments?: boolean;
}

/** After an abort, how long to wait for the killed main process to be reaped before answering anyway. */
const REAP_WAIT_MS = 1000;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * Runs a program and streams its output. Resolves (never rejects) when the
 * main process has exited and its output is drained, with its exit code, or
 * with `exitCode: null` and the signal that killed it, or with a SPAWN_FAILED
 * error. On abort the whole tree is killed and the run answers at once.
 */
export async function runProcess(options: RunProcessOptions): Promise<RunOutcome> {
  const { file, signal, cwd } = options;
  if (signal.aborted) return { exitCode: null }; // Nothing was started, so nothing to kill.
  let child: ChildProcessByStdio<Writable | null, Readable, Readable>;
  try {
    child = spawn(file, options.args, {
      shell: false,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      // Its own process group, so killTree reaches everything it starts.
      detached: process.platform !== 'win32',
      windowsHide: true,
      windowsVerbatimArguments: options.windowsVerbatimArguments ?? false,
      cwd,
      env: options.env ?? process.env,
    }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  } catch (error) {
    // Synchronous refusals: a NUL byte in an argument, a bad option.
    return spawnFailed(file, error as NodeJS.ErrnoException);
  }
  // `exit` is noted at once (not a turn later through the promise): an abort in the same turn must know the process had ended.
  const state = { exited: false };
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, sig) => {
    state.exited = true;
    resolve({ code, signal: sig });
  }));
  const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  // Later 'error' events (none are expected: we never call child.kill) must not crash the server.
  child.on('error', () => {});
  if (spawnError !== undefined || child.pid === undefined) {
    if (spawnError?.code === 'ENOENT' && cwd === undefined && options.ifNotFound) return options.ifNotFound();
    return spawnFailed(file, spawnError ?? new Error('no process id'), cwd);
  }
  if (options.stdin && child.stdin) feedStdin(options.stdin, child.stdin);
  const outcome = supervise(child.pid, exited, state, [pumpOutput(child.stdout, 'stdout', options.write), pumpOutput(child.stderr, 'stderr', options.write)], signal);
  trackProcess(child.pid, outcome); // until its whole group is drained or killed
  return outcome;
}

function supervise(pid: number, exited: Promise<Exit>, state: { exited: boolean }, pumps: readonly OutputPump[], signal: AbortSignal): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: RunOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    // Stop everything now; answer once the main process is reaped (or after a short wait, should it hang in the kernel).
    const stopNow = (outcome: (exit: Exit | undefined) => RunOutcome): void => {
      if (settled) return;
      killTree(pid);
      for (const pump of pumps) pump.stop();
      const timer = setTimeout(() => settle(outcome(undefined)), REAP_WAIT_MS);
      void exited.then((e) => {
        clearTimeout(timer);
        settle(outcome(e));
      });
    };
    // A process that has already ended finished: its output is drained as usual and the late abort ignored (one outcome per
    // run). Otherwise it is killed, and whatever its exit status says, it did not finish: no exit code.
    const onAbort = (): void => {
      if (state.exited || ended(pid)) return;
      stopNow((e) => ({ exitCode: null, signal: e?.signal ?? 'SIGKILL' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort(); // Aborted while the process was starting.

    const output = Promise.all(pumps.map((pump) => pump.done));
    output.catch((error: unknown) => stopNow(() => writeFailed(error)));
    void exited.then(async (e) => {
      try {
        await drainAfterExit(pid, pumps);
        await output;
      } catch {
        return; // A failed write: handled above.
      }
      settle(fromExit(e));
    });
  });
}

/**
 * Whether the process has ended though Node has not said so yet (a zombie
 * waiting to be reaped: after the server was stopped, its exit and an abort
 * come due in the same turn). Linux only; elsewhere the `exit` event decides.
 */
function ended(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^\S+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

/**
 * Pipes the run's stdin into the child's. A child that exits (or closes its
 * stdin) without reading it all is not an error, as in a shell: what it did
 * not read is dropped.
 */
function feedStdin(source: Readable, sink: Writable): void {
  sink.on('error', () => source.unpipe(sink));
  source.pipe(sink);
}

function fromExit({ code, signal }: Exit): RunOutcome {
  return signal === null ? { exitCode: code } : { exitCode: null, signal };
}

function writeFailed(error: unknown): RunOutcome {
  if (isTcpcmdError(error)) return { exitCode: null, error: error.toJSON() };
  return failure(ErrorCode.INTERNAL, `output could not be delivered: ${errorMessage(error)}`);
}
