/**
 * Driving the REPL in tests: through its streams (PassThrough in, collecting
 * writables out) against real servers, and in a real terminal through tmux.
 * Every wait is bounded and polls for text, never for time.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { stripVTControlCharacters } from 'node:util';
import { startRepl, type ReplOptions, type ReplResult } from '../../src/repl/index.js';
import { BIN } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';

const run = promisify(execFile);

/** Polls `read` until `test` holds, at most `ms`. Throws with what was seen last. */
export async function until<T>(read: () => T | Promise<T>, test: (value: T) => boolean, what: string, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}; last seen:\n${String(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function matches(value: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? value.includes(expected) : expected.test(value);
}

/** A writable that keeps what it gets. */
export class Collect extends Writable {
  private chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    cb();
  }
  /** Everything, escapes and all. */
  get raw(): string {
    return this.chunks.join('');
  }
  /** Without terminal escape sequences. */
  get text(): string {
    return stripVTControlCharacters(this.raw);
  }
}

/** Input that says it is a terminal, as enquirer wants (raw mode is a no-op here). */
export class TerminalInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
}

export const keys = { enter: '\r', tab: '\t', ctrlC: '\x03', ctrlD: '\x04', up: '\x1b[A' } as const;

export interface Driven {
  input: PassThrough;
  out: Collect;
  err: Collect;
  done: Promise<ReplResult>;
  /** Types text (keys on a terminal); `line` adds the line end. */
  type(text: string): void;
  line(text: string): void;
  /** Waits for text on the output (escapes stripped), after `from` characters. */
  waitOut(expected: string | RegExp, from?: number, ms?: number): Promise<string>;
  waitErr(expected: string | RegExp, ms?: number): Promise<string>;
}

/** Starts the REPL on PassThrough streams; ends its input after the test. */
export function drive(options: Partial<ReplOptions> & { target: string; terminal: boolean }): Driven {
  const input = options.terminal ? new TerminalInput() : new PassThrough();
  const out = new Collect();
  const err = new Collect();
  const done = startRepl({
    input,
    output: out,
    errorOutput: err,
    historyFile: null,
    env: { NO_COLOR: '1' },
    reconnect: { minDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
  done.catch(() => undefined); // a test that expects a rejection awaits it itself
  onCleanup(async () => {
    input.end();
    await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
  });
  const end = options.terminal ? keys.enter : '\n';
  return {
    input,
    out,
    err,
    done,
    type: (text) => void input.write(text),
    line: (text) => void input.write(`${text}${end}`),
    waitOut: (expected, from = 0, ms) => until(() => out.text.slice(from), (t) => matches(t, expected), `${String(expected)} on the output`, ms),
    waitErr: (expected, ms) => until(() => err.text, (t) => matches(t, expected), `${String(expected)} on the error output`, ms),
  };
}

export async function tempDir(): Promise<{ dir: string; path: (name: string) => string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-repl-test-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return { dir, path: (name) => join(dir, name) };
}

// --- tmux -------------------------------------------------------------------

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The terminal tests skip without tmux, saying so; never in CI (.ci/run installs it). */
export function withoutTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return false;
  } catch {
    if (process.env.CI) return false; // and fail, loudly
    console.warn('skipping the REPL terminal tests: tmux is not installed (apt-get install -y tmux)');
    return true;
  }
}

let sessions = 0;

/** A detached tmux session on a private socket, fixed size, killed after the test. */
export class Tmux {
  private constructor(readonly name: string) {}

  /** Runs `tcpcmd ...args` in a new terminal; the pane prints `[exited N]` when it ends. */
  /** `tcpcmd connect TARGET` in a terminal, once its prompt shows. */
  static async connected(target: string, env: Record<string, string> = {}): Promise<Tmux> {
    const t = await Tmux.start(['connect', target], env);
    await t.waitFor(`${target}> `);
    return t;
  }

  static async start(args: string[], env: Record<string, string> = {}): Promise<Tmux> {
    const name = `tcpcmd-repl-${process.pid}-${++sessions}`;
    const tmux = new Tmux(name);
    // The REPL's temp files (its transcript spool) go here: killing the pane gives it no chance to remove them.
    const { dir: tmp } = await tempDir();
    onCleanup(() => tmux.kill()); // before the folder is removed (cleanups run last first)
    const vars = Object.entries({ NO_COLOR: '1', TCPCMD_TOKEN: '', TMPDIR: tmp, ...env }).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const command = `env ${vars.join(' ')} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo "[exited $?]"; sleep 60`;
    await tmux.tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '30', command);
    return tmux;
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.name, ...args], { timeout: 5_000 });
    return stdout;
  }

  /** tmux key names (Enter, Tab, C-c, Up) or literal text with `literal`. */
  async send(...keyNames: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', this.name, ...keyNames);
  }

  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Types a line and presses Enter, as a person running a command does. */
  async enter(text: string): Promise<void> {
    await this.type(text);
    await this.send('Enter');
  }

  /** The screen and its scrollback, as text (`escapes`: with colour codes). */
  async screen(escapes = false): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-200', ...(escapes ? ['-e'] : []), '-t', this.name);
  }

  async waitFor(expected: string | RegExp, ms = 5_000, escapes = false): Promise<string> {
    return until(() => this.screen(escapes), (s) => matches(s, expected), `${String(expected)} in the terminal`, ms);
  }

  /** Resizes the terminal (the program gets SIGWINCH). */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  /** How often `text` is on the screen. */
  async count(text: string): Promise<number> {
    return (await this.screen()).split(text).length - 1;
  }

  async kill(): Promise<void> {
    await run('tmux', ['-L', this.name, 'kill-server'], { timeout: 5_000 }).catch(() => undefined);
    // tmux leaves its socket file behind.
    const dir = join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
    await rm(join(dir, this.name), { force: true });
  }
}

/** Live (not zombie) processes whose command line is exactly `argv`. PID 1 here does not reap, so a zombie counts as gone. */
export function liveProcesses(argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') !== wanted) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** `tcpcmd serve --port PORT` (a fixed port, for restart tests); resolves once it listens. */
export async function serveOnPort(port: number, env: Record<string, string> = {}): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited;
  };
  onCleanup(stop);
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  await until(() => log, (l) => l.includes('listening on') || child.exitCode !== null, 'the server to listen', 10_000);
  if (!log.includes('listening on')) throw new Error(`server did not start: ${log}`);
  return { stop };
}
