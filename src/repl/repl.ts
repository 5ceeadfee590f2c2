// size-allowance: the REPL's loop and its meta commands together for now; to split: the meta commands apart from the loop.
/**
 * The interactive client: a read-eval-print loop, a thin layer over the
 * client library (connect, run with streaming and cancel, reconnect) and the
 * batch runner (transcript, `.load`). Everything goes through the streams it
 * is given, so tests drive it with PassThroughs and the CLI with the process's.
 *
 * On a terminal: a prompt that says where you are, line editing, history, Tab
 * completion, colours, confirmations, Ctrl+C cancelling the running command.
 * Without one: commands line by line, output as is, and an exit code.
 */
import type { ConnectOptions, Connection, ReconnectingConnection } from '../client/index.js';
import { ErrorCode, Exit, TcpcmdError, VERSION, formatAddress, isTcpcmdError, errorMessage } from '../protocol/index.js';
import { DEFAULT_WINDOW, WINDOW_CHARS, colorWanted, formatSummary, loadTargets, targetLabel, type BatchTarget, type OutputRow } from './batch-api.js';
import { createCompleter } from './completer.js';
import { confirm, confirmationFor } from './confirm.js';
import type { PromptStreams } from './enquire.js';
import { History, historyPath } from './history.js';
import { LineEditor } from './line-editor.js';
import { loadBatch } from './load.js';
import { META_COMMANDS, metaHelp, runMeta, type MetaContext } from './meta-commands.js';
import type { ReplOptions, ReplResult } from './options.js';
import { OrderedOutput, OutputPrinter, type TextOut } from './output-printer.js';
import { Pipeline, type Outcome } from './pipeline.js';
import { askAddress, chooseTarget } from './prompt-target.js';
import { askToken } from './prompt-token.js';
import { painter, problemLine, statusLine, type Painter } from './render.js';
import { openSession, type Target } from './session.js';
import { findTarget, fromList } from './target.js';
import { Transcript, rowFromFailure, rowFromResult, type SentCommand, type TranscriptRow } from './transcript.js';

/** The server's session-closing commands: in the REPL they leave, as `quit` does in redis-cli. */
const LEAVE = new Set(['exit', 'quit', 'disconnect']);

/** One line for an error: its message — without the `host:port: ` the client puts first, when the REPL says where already — and code. */
function describe(err: unknown, where?: string): string {
  if (!isTcpcmdError(err)) return errorMessage(err);
  const message = where !== undefined && err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message;
  return `${message} (${err.code})`;
}

/** Rejects with INTERRUPTED when `signal` fires first (Ctrl+C while waiting for a reconnect). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new TcpcmdError(ErrorCode.INTERRUPTED, 'interrupted while connecting'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Runs the REPL until the user leaves or the input ends. Throws (before the loop) when it cannot start: usage, connect, auth. */
export async function startRepl(options: ReplOptions): Promise<ReplResult> {
  const repl = new Repl(options);
  const { signal } = options;
  if (signal?.aborted) throw new TcpcmdError(ErrorCode.INTERRUPTED, 'interrupted');
  const onAbort = (): void => repl.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await repl.run();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

class Repl implements MetaContext {
  private readonly env: NodeJS.ProcessEnv;
  private readonly paint: Painter;
  private readonly streams: PromptStreams;
  private readonly history: History;
  private known: BatchTarget[] = [];
  private session: ReconnectingConnection | undefined;
  /** The server's name (servers.csv's, else host:port): the prompt and the transcript's target. */
  private where = '';
  /** `web-b (10.0.0.5:10000)`: for messages. */
  private label = '';
  /** host:port of the current server. */
  private address = '';
  /** The server's commands, kept from the last connection for completion while disconnected. */
  private serverCommands: readonly string[] = [];
  private editor: LineEditor | undefined;
  private transcript: Transcript | undefined;
  /** The command (or `.load`) running now: Ctrl+C aborts it. */
  private running: AbortController | undefined;
  private failures = 0;
  private leaving = false;
  private interrupted = false;
  /** Without a terminal (and without --fail-fast): commands are sent ahead of their answers. */
  private readonly pipeline: Pipeline | undefined;
  /** Without a terminal, stdout and stderr go through it: a write per answer, not per piece. */
  private readonly ordered: OrderedOutput | undefined;
  private readonly out: TextOut;
  private readonly err: TextOut;
  /** Ctrl+C on an empty line was pressed once: a second one, straight after, leaves (as Node's REPL does). */
  private leaveOnCtrlC = false;

  constructor(private readonly options: ReplOptions) {
    this.env = options.env ?? process.env;
    this.paint = painter(options.color ?? colorWanted(options.terminal, this.env));
    this.streams = { input: options.input, output: options.output };
    const path = options.historyFile !== undefined ? options.historyFile : historyPath(this.env);
    this.history = new History(options.terminal ? path : null, (m) => this.warn(m));
    this.ordered = options.terminal ? undefined : new OrderedOutput(options.output, options.errorOutput);
    this.out = this.ordered?.out ?? options.output;
    this.err = this.ordered?.err ?? options.errorOutput;
    if (!options.terminal && !options.failFast) {
      const printer = new OutputPrinter({
        ...this.outputs(),
        paint: this.paint,
        pause: () => this.session?.connection?.pause(),
        resume: () => this.session?.connection?.resume(),
      });
      this.pipeline = new Pipeline(
        { print: printer.write, finish: (command, sentAt, outcome) => this.finishPiped(command, sentAt, outcome) },
        { window: DEFAULT_WINDOW, windowChars: WINDOW_CHARS },
      );
    }
  }

  async run(): Promise<ReplResult> {
    try {
      if (this.options.targets !== undefined) this.known = await loadTargets(this.options.targets, this.env);
      const target = await this.initialTarget();
      // Before connecting, so that a bad --record path fails first, with nothing sent.
      this.transcript = Transcript.open(this.options.record, (m) => this.warn(m));
      this.use(await this.open(target), target);
      const editor = new LineEditor({
        input: this.options.input,
        output: this.options.output,
        terminal: this.options.terminal,
        completer: createCompleter({
          commands: () => this.serverCommands,
          metaCommands: () => META_COMMANDS.map((c) => c.name),
          targets: () => this.known.flatMap((t) => (t.name === t.key ? [t.key] : [t.name, t.key])),
        }),
        history: this.history.load(),
        onInterrupt: (lineEmpty) => this.onCtrlC(lineEmpty),
      });
      this.editor = editor;
      if (this.interrupted) editor.close();
      this.greet();
      await this.loop(editor);
      return {
        exitCode: this.interrupted ? Exit.INTERRUPTED : !this.options.terminal && this.failures > 0 ? Exit.FAILED : Exit.OK,
        commands: this.transcript.rows,
        failures: this.failures,
      };
    } finally {
      this.editor?.close();
      this.ordered?.flush();
      await this.session?.close().catch(() => undefined);
      await this.transcript?.close();
    }
  }

  /** An interrupt from outside (SIGINT): stop what runs, end the loop. */
  interrupt(): void {
    this.interrupted = true;
    this.running?.abort();
    this.pipeline?.interrupt();
    this.editor?.close();
  }

  private async loop(editor: LineEditor): Promise<void> {
    for (;;) {
      this.refreshPrompt();
      const line = await editor.nextLine();
      this.leaveOnCtrlC = false;
      if (line === undefined) {
        await this.pipeline?.settle();
        if (this.options.terminal) this.options.output.write('\n'); // Ctrl+D / Ctrl+C leave the cursor after the prompt
        return;
      }
      if (this.options.terminal) this.history.add(line);
      await this.handle(line);
      if (this.options.failFast && this.failures > 0) this.leave();
      if (this.leaving || this.interrupted) return this.pipeline?.settle();
    }
  }

  private async handle(line: string): Promise<void> {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const plain = !text.startsWith('.') && !LEAVE.has(text.toLowerCase()) && confirmationFor(text, this.where) === undefined;
    const live = this.session?.connection;
    if (plain && this.pipeline && live) return this.sendPiped(live, text);
    // Anything else waits for the answers to what was sent: it may change the session (a barrier).
    await this.pipeline?.settle();
    if (text.startsWith('.')) return runMeta(this, text);
    if (LEAVE.has(text.toLowerCase())) return this.leave();
    return this.runCommand(text);
  }

  // --- starting -------------------------------------------------------------

  private async initialTarget(): Promise<Target> {
    const { target, terminal } = this.options;
    if (target !== undefined) return findTarget(target, this.known, this.options.targets);
    if (terminal) return this.askTarget();
    const only = this.known.length === 1 ? this.known[0] : undefined;
    if (only) return fromList(only);
    throw new TcpcmdError(
      ErrorCode.USAGE,
      this.known.length > 1
        ? `name the server: tcpcmd connect NAME --targets ${this.options.targets} (one of ${this.known.map((t) => t.name).join(', ')}); without a terminal there is no prompt to choose`
        : 'name the server: tcpcmd connect host[:port] (without a terminal there is no prompt to ask)',
    );
  }

  private async askTarget(): Promise<Target> {
    if (this.known.length > 0) return fromList(await chooseTarget(this.streams, this.known));
    return { address: await askAddress(this.streams) };
  }

  private open(target: Target): Promise<ReconnectingConnection> {
    const { terminal, signal, reconnect } = this.options;
    return openSession(target, {
      connectOptions: this.connectOptions(),
      env: this.env,
      ...(terminal ? { askToken: (where: string, again: boolean) => this.suspendFor(() => askToken(this.streams, where, again)) } : {}),
      ...(reconnect ? { reconnect } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * The caller's connect options, named as the REPL, with any question they
   * ask (trusting a new TLS server) asked while the line editor steps aside.
   */
  private connectOptions(): ConnectOptions {
    const options: ConnectOptions = { clientName: `tcpcmd-repl/${VERSION}`, ...this.options.connectOptions };
    const tls = options.tls;
    const confirm = typeof tls === 'object' ? tls.knownHosts?.confirm : undefined;
    if (typeof tls === 'object' && tls.knownHosts && confirm) {
      options.tls = { ...tls, knownHosts: { ...tls.knownHosts, confirm: (question) => this.suspendFor(() => confirm(question)) } };
    }
    return options;
  }

  /** Makes `session` the current one and listens to its comings and goings. */
  private use(session: ReconnectingConnection, target: Target): void {
    const address = formatAddress(target.address);
    // servers.csv's name in the prompt and the transcript; with the address in messages.
    const label = targetLabel({ name: target.name ?? address, key: address });
    this.session = session;
    this.where = target.name ?? address;
    this.label = label;
    this.address = address;
    this.serverCommands = session.connection?.info.commands ?? [];
    session.on('disconnected', (err) => {
      this.refreshPrompt();
      this.say(this.paint.yellow(`connection to ${label} lost: ${describe(err, address)}; reconnecting…`));
    });
    session.on('reconnected', (conn) => {
      this.serverCommands = conn.info.commands;
      this.refreshPrompt();
      this.say(this.paint.green(`reconnected to ${label}`));
    });
    session.on('stopped', (err) => {
      this.say(this.paint.red(`cannot reconnect to ${label}: ${describe(err, address)}; the next command tries again, or .connect elsewhere`));
    });
  }

  private greet(): void {
    const info = this.session?.connection?.info;
    if (!this.options.terminal || !info) return;
    this.say(this.paint.dim(`connected to ${this.label} (${info.server} on ${info.hostname}); .help for help, Ctrl+D to leave`));
  }

  // --- running --------------------------------------------------------------

  private async runCommand(command: string): Promise<void> {
    const { terminal, yes, timeout } = this.options;
    const session = this.session;
    if (!session) return;
    const question = yes ? undefined : confirmationFor(command, this.where);
    if (question && !terminal) {
      // No one to ask: a script must say so itself.
      this.problem(`${command} not sent: without a terminal no one can confirm it; add --yes to send kill and reset`);
      return;
    }
    if (question && !(await this.suspendFor(() => confirm(this.streams, question)))) {
      this.say(this.paint.dim('not sent'));
      return;
    }
    const asked: SentCommand = { target: this.where, command, timeout: timeout ?? null, sentAt: Date.now() };
    const controller = new AbortController();
    this.running = controller;
    let conn: Connection | undefined;
    let printer: OutputPrinter | undefined;
    try {
      conn = await unlessAborted(session.ready(), controller.signal);
      const live = conn;
      printer = new OutputPrinter({ ...this.outputs(), paint: this.paint, pause: () => live.pause(), resume: () => live.resume() });
      asked.sentAt = Date.now();
      const result = await live.run(command, { signal: controller.signal, onOutput: printer.write, ...(timeout !== undefined ? { timeout } : {}) });
      printer.endLine();
      // Without a terminal the line names the command: a log of many says which failed.
      const status = statusLine(result, this.paint, terminal, terminal ? undefined : command);
      if (status) this.statusOut(status);
      this.record(rowFromResult(asked, result));
    } catch (err) {
      printer?.endLine();
      this.record(rowFromFailure(asked, err));
      const reason = `${conn ? 'no answer' : 'not connected'}: ${describe(err, this.address)}`;
      this.statusOut(problemLine(terminal ? reason : `${command}: ${reason}`, this.paint));
    } finally {
      this.running = undefined;
    }
  }

  private async sendPiped(conn: Connection, command: string): Promise<void> {
    const { timeout } = this.options;
    await this.pipeline?.send(conn, command, timeout !== undefined ? { timeout } : {});
  }

  /** A piped command's answer, in order: its status line and transcript row, as runCommand gives them. */
  private finishPiped(command: string, sentAt: number, outcome: Outcome): void {
    const asked: SentCommand = { target: this.where, command, timeout: this.options.timeout ?? null, sentAt };
    if ('result' in outcome) {
      const status = statusLine(outcome.result, this.paint, false, command);
      if (status) this.statusOut(status);
      this.record(rowFromResult(asked, outcome.result), false);
    } else {
      this.record(rowFromFailure(asked, outcome.error), false);
      this.statusOut(problemLine(`${command}: no answer: ${describe(outcome.error, this.address)}`, this.paint));
    }
  }

  private record(row: TranscriptRow, throughNow = true): void {
    const written = this.transcript?.add(row, throughNow);
    if (written && written.status !== 'ok') this.failures++;
  }

  private onCtrlC(lineEmpty: boolean): void {
    const second = this.leaveOnCtrlC;
    this.leaveOnCtrlC = false;
    if (this.running) return this.running.abort();
    if (!lineEmpty) return this.editor?.abandonLine();
    if (!second) {
      this.leaveOnCtrlC = true;
      return this.editor?.print('(To exit, press Ctrl+C again or Ctrl+D or type .exit)');
    }
    this.leave();
    this.editor?.close();
  }

  // --- meta commands --------------------------------------------------------

  help(): void {
    this.out.write(`${metaHelp()}\n`);
  }

  async connectTo(argument: string): Promise<void> {
    let target: Target;
    try {
      if (argument !== '') target = findTarget(argument, this.known, this.options.targets);
      else if (this.options.terminal) target = await this.suspendFor(() => this.askTarget());
      else return this.problem('.connect needs the server: .connect host[:port]');
    } catch (err) {
      if (isTcpcmdError(err, ErrorCode.INTERRUPTED)) return; // the prompt was cancelled
      return this.problem(describe(err));
    }
    let session: ReconnectingConnection;
    try {
      session = await this.open(target);
    } catch (err) {
      if (isTcpcmdError(err, ErrorCode.INTERRUPTED)) return;
      return this.problem(`${describe(err)}; still on ${this.label}`);
    }
    const old = this.session;
    old?.removeAllListeners();
    this.use(session, target);
    const info = session.connection?.info;
    this.say(this.paint.dim(`connected to ${this.label}${info ? ` (${info.server} on ${info.hostname})` : ''}`));
    await old?.close().catch(() => undefined);
  }

  async save(file: string): Promise<void> {
    if (!this.transcript) return;
    try {
      const rows = await this.transcript.save(file);
      this.say(this.paint.dim(`saved ${rows} ${rows === 1 ? 'row' : 'rows'} to ${file} (replay: tcpcmd run ${file})`));
    } catch (err) {
      this.problem(describe(err));
    }
  }

  async load(file: string): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.ordered?.flush(); // the batch runner writes to the streams themselves
    const controller = new AbortController();
    this.running = controller;
    try {
      const summary = await loadBatch({
        file,
        where: this.address,
        session,
        connectOptions: this.connectOptions(),
        ...(this.options.timeout !== undefined ? { timeout: this.options.timeout } : {}),
        signal: controller.signal,
        output: this.options.output,
        errorOutput: this.options.errorOutput,
        terminal: this.options.terminal,
        paint: this.paint,
        env: this.env,
        onRow: (row: OutputRow) => this.record(row), // renumbered in the session's transcript
      });
      this.statusOut(formatSummary(summary).trimEnd());
    } catch (err) {
      this.problem(describe(err));
    } finally {
      this.running = undefined;
    }
  }

  clear(): void {
    this.editor?.clearScreen();
  }

  leave(): void {
    this.leaving = true;
  }

  problem(message: string): void {
    this.failures++;
    this.statusOut(problemLine(message, this.paint));
  }

  // --- output ---------------------------------------------------------------

  private outputs(): { output: TextOut; errorOutput: TextOut; terminal: boolean } {
    return { output: this.out, errorOutput: this.err, terminal: this.options.terminal };
  }

  /** After a command: on the screen with a terminal, else on stderr (stdout stays the remote stdout). */
  private statusOut(text: string): void {
    (this.options.terminal ? this.out : this.err).write(`${text}\n`);
  }

  /** News that may come at any time (reconnected, ...): above the prompt, or on stderr without a terminal. */
  private say(text: string): void {
    if (!this.options.terminal) this.err.write(`${text}\n`);
    else if (this.editor) this.editor.print(text);
    else this.out.write(`${text}\n`);
  }

  private warn(text: string): void {
    this.say(this.paint.yellow(text));
  }

  private promptText(): string {
    const connected = this.session?.connection !== undefined;
    return connected ? `${this.where}> ` : `${this.where} ${this.paint.red('(disconnected)')}> `;
  }

  private refreshPrompt(): void {
    this.editor?.setPrompt(this.promptText());
  }

  private suspendFor<T>(fn: () => Promise<T>): Promise<T> {
    return this.editor ? this.editor.suspend(fn) : fn();
  }
}
