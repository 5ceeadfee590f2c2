/**
 * Where the REPL's text goes. On a terminal: the screen, news printed above
 * the prompt, questions asked while the line editor steps aside. Without one:
 * stdout stays the remote stdout and everything of ours goes to stderr, each
 * through an OrderedOutput (a write per answer, not per piece).
 */
import type { Writable } from 'node:stream';
import { colorWanted } from './batch-api.js';
import type { LineEditor } from './line-editor.js';
import { OrderedOutput, type TextOut } from './output-printer.js';
import { painter, problemLine, type Painter } from './render.js';

export interface ScreenOptions {
  output: Writable;
  errorOutput: Writable;
  terminal: boolean;
  color?: boolean;
  env: NodeJS.ProcessEnv;
}

/** What the prompt says of the link to the server. */
export type LinkState = 'connected' | 'idle' | 'disconnected';

export class Screen {
  readonly paint: Painter;
  readonly terminal: boolean;
  /** Without a terminal, stdout and stderr go through it. */
  readonly ordered: OrderedOutput | undefined;
  readonly out: TextOut;
  readonly err: TextOut;
  /** The line editor, once it reads: news goes above its prompt, questions wait for it to step aside. */
  editor: LineEditor | undefined;

  constructor(private readonly options: ScreenOptions) {
    this.terminal = options.terminal;
    this.paint = painter(options.color ?? colorWanted(options.terminal, options.env));
    this.ordered = options.terminal ? undefined : new OrderedOutput(options.output, options.errorOutput);
    this.out = this.ordered?.out ?? options.output;
    this.err = this.ordered?.err ?? options.errorOutput;
  }

  /** For output printers: the two streams and whether they are a terminal. */
  outputs(): { output: TextOut; errorOutput: TextOut; terminal: boolean } {
    return { output: this.out, errorOutput: this.err, terminal: this.terminal };
  }

  /** After a command: on the screen with a terminal, else on stderr (stdout stays the remote stdout). */
  statusOut(text: string): void {
    (this.terminal ? this.out : this.err).write(`${text}\n`);
  }

  /** A failure of our own, as one line after the command. */
  problem(message: string): void {
    this.statusOut(problemLine(message, this.paint));
  }

  /** News that may come at any time (reconnected, ...): above the prompt, or on stderr without a terminal. */
  say(text: string): void {
    if (!this.terminal) this.err.write(`${text}\n`);
    else if (this.editor) this.editor.print(text);
    else this.out.write(`${text}\n`);
  }

  warn(text: string): void {
    this.say(this.paint.yellow(text));
  }

  /** `where> `; `where (idle)> ` after the server closed an idle session; `where (disconnected)> ` after a loss. */
  setPrompt(where: string, state: LinkState): void {
    const tag = state === 'idle' ? ` ${this.paint.dim('(idle)')}` : state === 'disconnected' ? ` ${this.paint.red('(disconnected)')}` : '';
    this.editor?.setPrompt(`${where}${tag}> `);
  }

  /** Asks a question (enquirer) while the line editor, if any, steps aside. */
  suspendFor<T>(fn: () => Promise<T>): Promise<T> {
    return this.editor ? this.editor.suspend(fn) : fn();
  }

  /** Writes out what the ordered output holds (before the batch runner writes to the streams themselves, and at the end). */
  flush(): void {
    this.ordered?.flush();
  }
}
