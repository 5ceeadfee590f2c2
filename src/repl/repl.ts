/**
 * The interactive client: a read-eval-print loop, a thin layer over the
 * client library (connect, run with streaming and cancel, reconnect) and the
 * batch runner (transcript, `.load`). Everything goes through the streams it
 * is given, so tests drive it with PassThroughs and the CLI with the process's.
 *
 * On a terminal: a prompt that says where you are, line editing, history, Tab
 * completion, colours, confirmations, Ctrl+C cancelling the running command.
 * Without one: commands line by line, output as is, and an exit code.
 *
 * Here: the loop and the running of commands one at a time. Where the text
 * goes is screen.ts; the current server, server-link.ts; the first one,
 * first-server.ts; the meta commands, meta-actions.ts; commands sent ahead
 * of their answers without a terminal, piped.ts.
 */
import type { Connection } from '../client/index.js';
import { ErrorCode, Exit, TcpcmdError } from '../protocol/index.js';
import { batchTools, type BatchTarget } from './batch-api.js';
import { confirmationFor } from '../protocol/confirmation.js';
import { confirm } from './confirm.js';
import { QuestionEnded, type PromptStreams } from './enquire.js';
import { connectFirst, initialTarget } from './first-server.js';
import { History, historyPath } from './history.js';
import type { LineEditor } from './line-editor.js';
import { MetaActions, type MetaHost } from './meta-actions.js';
import { META_COMMANDS, runMeta } from './meta-commands.js';
import type { ReplOptions, ReplResult } from './options.js';
import { OutputPrinter } from './output-printer.js';
import { PipedLines } from './piped-lines.js';
import { PipedCommands } from './piped.js';
import { problemLine, statusLine } from './render.js';
import { Screen } from './screen.js';
import { ServerLink, describe, unlessAborted } from './server-link.js';
import { Transcript, rowFromFailure, rowFromResult, type SentCommand, type TranscriptRow } from './transcript.js';

/** The server's session-closing commands: in the REPL they leave, as `quit` does in redis-cli. */
const LEAVE = new Set(['exit', 'quit', 'disconnect']);

/** Where the loop's lines come from: the line editor on a terminal, PipedLines without one. */
interface LineSource {
  /** A line read already, without a promise; undefined when none waits (or on a terminal, where nextLine() shows it). */
  takeQueued(): string | undefined;
  nextLine(): Promise<string | undefined>;
  close(): void;
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

class Repl implements MetaHost {
  readonly streams: PromptStreams;
  readonly screen: Screen;
  readonly link: ServerLink;
  known: BatchTarget[] = [];
  transcript: Transcript | undefined;
  private readonly history: History;
  private readonly meta: MetaActions;
  private editor: LineEditor | undefined;
  private lines: LineSource | undefined;
  /** The command (or `.load`) running now: Ctrl+C aborts it. */
  private running: AbortController | undefined;
  private failures = 0;
  private leaving = false;
  private interrupted = false;
  /** Without a terminal (and without --fail-fast): commands are sent ahead of their answers. */
  private readonly piped: PipedCommands | undefined;
  /** Ctrl+C on an empty line was pressed once: a second one, straight after, leaves (as Node's REPL does). */
  private leaveOnCtrlC = false;

  constructor(readonly options: ReplOptions) {
    const env = options.env ?? process.env;
    this.screen = new Screen({ ...options, env });
    this.streams = { input: options.input, output: options.output };
    this.link = new ServerLink(options, env, this.screen, this.streams);
    const path = options.historyFile !== undefined ? options.historyFile : historyPath(env);
    this.history = new History(options.terminal ? path : null, (m) => this.screen.warn(m));
    this.meta = new MetaActions(this);
    if (!options.terminal && !options.failFast) this.piped = new PipedCommands(this.screen, this.link, options.timeout, (row, now) => this.record(row, now));
  }

  async run(): Promise<ReplResult> {
    const { options, screen, link } = this;
    try {
      if (!(await this.start())) return { exitCode: Exit.OK, commands: 0, failures: 0 };
      const lines = options.terminal ? await this.openEditor() : new PipedLines(options.input);
      this.lines = lines;
      if (this.interrupted) lines.close();
      if (options.terminal && link.session?.connection) screen.say(screen.paint.dim(`${link.connectedLine()}; .help for help, Ctrl+D to leave`));
      await this.loop(lines);
      return {
        exitCode: this.interrupted ? Exit.INTERRUPTED : !options.terminal && this.failures > 0 ? Exit.FAILED : Exit.OK,
        commands: this.transcript?.rows ?? 0,
        failures: this.failures,
      };
    } finally {
      this.lines?.close();
      screen.flush();
      await link.close();
      await this.transcript?.close();
    }
  }

  /** On a terminal: the line editor, with completion and history (loaded only then, readline with it). */
  private async openEditor(): Promise<LineEditor> {
    const { options, link } = this;
    const [{ LineEditor }, { createCompleter }] = await Promise.all([import('./line-editor.js'), import('./completer.js')]);
    const editor = new LineEditor({
      input: options.input,
      output: options.output,
      completer: createCompleter({
        commands: () => link.commands,
        metaCommands: () => META_COMMANDS.map((c) => c.name),
        targets: () => this.known.flatMap((t) => (t.name === t.key ? [t.key] : [t.name, t.key])),
      }),
      history: this.history.load(),
      onInterrupt: (lineEmpty) => this.onCtrlC(lineEmpty),
    });
    this.editor = editor;
    this.screen.editor = editor;
    return editor;
  }

  /** Finds and connects to the first server; false when the user left at a question (Ctrl+D). */
  private async start(): Promise<boolean> {
    const { options, screen, link } = this;
    try {
      if (options.targets !== undefined) this.known = await (await batchTools()).loadTargets(options.targets, link.env);
      const first = await initialTarget(options, this.known, this.streams);
      // Before connecting, so that a bad --record path fails first, with nothing sent.
      this.transcript = await Transcript.open(options.record, (m) => screen.warn(m));
      await connectFirst(first, link, screen, this.streams, this.known);
      return true;
    } catch (err) {
      if (!(err instanceof QuestionEnded)) throw err;
      screen.say(screen.paint.dim('left without connecting (Ctrl+D)'));
      return false;
    }
  }

  /** An interrupt from outside (SIGINT): stop what runs, end the loop. */
  interrupt(): void {
    this.interrupted = true;
    this.running?.abort();
    this.piped?.interrupt();
    this.lines?.close();
  }

  private async loop(lines: LineSource): Promise<void> {
    const { terminal } = this.options;
    for (;;) {
      if (terminal) this.link.refreshPrompt();
      // Without a terminal a line already read is taken at once, and a command sent with room in the
      // window is not waited on: a piped script's lines cost no promise each.
      const line = lines.takeQueued() ?? (await lines.nextLine());
      this.leaveOnCtrlC = false;
      if (line === undefined) {
        await this.piped?.settle();
        if (terminal) this.options.output.write('\n'); // Ctrl+D / Ctrl+C leave the cursor after the prompt
        return;
      }
      if (terminal) this.history.add(line);
      const handling = this.handle(line);
      if (handling) await handling;
      if (this.options.failFast && this.failures > 0) this.leave();
      if (this.leaving || this.interrupted) return this.piped?.settle();
    }
  }

  /** Undefined when the line is done with: empty, a comment, or a plain command sent ahead with room for the next. */
  private handle(line: string): Promise<void> | undefined {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return undefined;
    const plain = !text.startsWith('.') && !LEAVE.has(text.toLowerCase()) && confirmationFor(text, this.link.where) === undefined;
    const live = this.link.session?.connection;
    if (plain && this.piped && live) return this.piped.send(live, text);
    return this.barrier(text);
  }

  /** Anything but a plain command waits for the answers to what was sent: it may change the session. */
  private async barrier(text: string): Promise<void> {
    await this.piped?.settle();
    if (text.startsWith('.')) return runMeta(this.meta, text);
    if (LEAVE.has(text.toLowerCase())) return this.leave();
    return this.runCommand(text);
  }

  // --- running --------------------------------------------------------------

  private async runCommand(command: string): Promise<void> {
    const { terminal, yes, timeout } = this.options;
    const { screen, link } = this;
    const session = link.session;
    if (!session) return;
    const question = yes ? undefined : confirmationFor(command, link.where);
    if (question && !terminal) {
      // No one to ask: a script must say so itself.
      this.problem(`${command} not sent: without a terminal no one can confirm it; add --yes to send kill and reset`);
      return;
    }
    if (question && !(await screen.suspendFor(() => confirm(this.streams, question)))) {
      screen.say(screen.paint.dim('not sent'));
      return;
    }
    const asked: SentCommand = { target: link.where, command, timeout: timeout ?? null, sentAt: Date.now() };
    let conn: Connection | undefined;
    let printer: OutputPrinter | undefined;
    try {
      await this.abortable(async (signal) => {
        conn = await unlessAborted(session.ready(), signal);
        const live = conn;
        printer = new OutputPrinter({ ...screen.outputs(), paint: screen.paint, pause: () => live.pause(), resume: () => live.resume() });
        asked.sentAt = Date.now();
        const result = await live.run(command, { signal, onOutput: printer.write, ...(timeout !== undefined ? { timeout } : {}) });
        printer.endLine();
        // Without a terminal the line names the command: a log of many says which failed.
        const status = statusLine(result, screen.paint, terminal, terminal ? undefined : command);
        if (status) screen.statusOut(status);
        this.record(rowFromResult(asked, result));
      });
    } catch (err) {
      printer?.endLine();
      this.record(rowFromFailure(asked, err));
      const reason = `${conn ? 'no answer' : 'not connected'}: ${describe(err, link.address)}`;
      screen.statusOut(problemLine(terminal ? reason : `${command}: ${reason}`, screen.paint));
    }
  }

  async abortable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.running = controller;
    try {
      return await work(controller.signal);
    } finally {
      this.running = undefined;
    }
  }

  record(row: TranscriptRow, throughNow = true): void {
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

  leave(): void {
    this.leaving = true;
  }

  problem(message: string): void {
    this.failures++;
    this.screen.problem(message);
  }
}
