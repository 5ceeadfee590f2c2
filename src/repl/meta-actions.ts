/**
 * What the meta commands do (their table is meta-commands.ts): another
 * server, the transcript saved, a CSV batch loaded, the screen cleared.
 */
import type { ReconnectingConnection } from '../client/index.js';
import { ErrorCode, isTcpcmdError } from '../protocol/index.js';
import { formatSummary, type BatchTarget, type OutputRow } from './batch-api.js';
import type { PromptStreams } from './enquire.js';
import { loadBatch } from './load.js';
import { metaHelp, type MetaContext } from './meta-commands.js';
import type { ReplOptions } from './options.js';
import { askServer } from './prompt-target.js';
import type { Screen } from './screen.js';
import { describe, type ServerLink } from './server-link.js';
import type { Target } from './session.js';
import { findTarget } from './target.js';
import type { Transcript } from './transcript.js';

/** What the meta commands need of the REPL. */
export interface MetaHost {
  readonly options: ReplOptions;
  readonly streams: PromptStreams;
  readonly screen: Screen;
  readonly link: ServerLink;
  /** The servers of --targets. */
  readonly known: readonly BatchTarget[];
  readonly transcript: Transcript | undefined;
  /** Runs `work` as the command running now: Ctrl+C aborts its signal. */
  abortable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  record(row: OutputRow): void;
  /** A mistake of the user's: counts as a failure without a terminal. */
  problem(message: string): void;
  leave(): void;
}

export class MetaActions implements MetaContext {
  constructor(private readonly repl: MetaHost) {}

  help(): void {
    this.repl.screen.out.write(`${metaHelp()}\n`);
  }

  async connectTo(argument: string): Promise<void> {
    const { options, screen, link, known } = this.repl;
    let target: Target;
    try {
      if (argument !== '') target = findTarget(argument, known, options.targets);
      else if (options.terminal) ({ target } = await screen.suspendFor(() => askServer(this.repl.streams, known)));
      else return this.problem('.connect needs the server: .connect host[:port]');
    } catch (err) {
      if (isTcpcmdError(err, ErrorCode.INTERRUPTED)) return; // the prompt was cancelled
      return this.problem(describe(err));
    }
    let session: ReconnectingConnection;
    try {
      session = await link.open(target);
    } catch (err) {
      if (isTcpcmdError(err, ErrorCode.INTERRUPTED)) return;
      return this.problem(`${describe(err)}; still on ${link.label}`);
    }
    await link.use(session, target);
    screen.say(screen.paint.dim(link.connectedLine()));
  }

  async save(file: string): Promise<void> {
    const { transcript, screen } = this.repl;
    if (!transcript) return;
    try {
      const rows = await transcript.save(file);
      screen.say(screen.paint.dim(`saved ${rows} ${rows === 1 ? 'row' : 'rows'} to ${file} (replay: tcpcmd run ${file})`));
    } catch (err) {
      this.problem(describe(err));
    }
  }

  async load(file: string): Promise<void> {
    const { options, screen, link } = this.repl;
    const session = link.session;
    if (!session) return;
    screen.flush(); // the batch runner writes to the streams themselves
    try {
      const summary = await this.repl.abortable((signal) =>
        loadBatch({
          file,
          where: link.address,
          session,
          connectOptions: link.connectOptions(),
          ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
          signal,
          output: options.output,
          errorOutput: options.errorOutput,
          terminal: options.terminal,
          paint: screen.paint,
          env: link.env,
          onRow: (row: OutputRow) => this.repl.record(row), // renumbered in the session's transcript
        }),
      );
      screen.statusOut(formatSummary(summary).trimEnd());
    } catch (err) {
      this.problem(describe(err));
    }
  }

  clear(): void {
    this.repl.screen.editor?.clearScreen();
  }

  leave(): void {
    this.repl.leave();
  }

  problem(message: string): void {
    this.repl.problem(message);
  }
}
