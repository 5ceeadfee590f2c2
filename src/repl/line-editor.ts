/**
 * Lines typed on a terminal, over Node's readline: a prompt with line editing,
 * history, Ctrl+R search (history-search.ts) and Tab completion. (Without a
 * terminal the REPL reads its lines with PipedLines, piped-lines.ts.)
 * Lines typed while a command runs wait their turn (type-ahead, as in a
 * shell). A message that arrives while the prompt is up ("reconnected") is
 * printed above it, keeping what was typed. For an enquirer prompt in the
 * middle of a session the editor steps aside (`suspend`), so that only one of
 * them reads the keyboard.
 */
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Completer } from './completer.js';
import { installHistorySearch } from './history-search.js';

export interface LineEditorOptions {
  input: Readable;
  output: Writable;
  completer?: Completer;
  /** Earlier lines, newest first. */
  history?: string[];
  historySize?: number;
  /** Ctrl+C on a terminal; `lineEmpty` says whether anything was typed. */
  onInterrupt?: (lineEmpty: boolean) => void;
}

export class LineEditor {
  private rl: Interface;
  /** Lines typed while a command ran (type-ahead), oldest first. */
  private readonly queue: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;
  private suspended = false;
  private promptText = '';
  private prompting = false;
  /** readline's history (newest first), carried over when the editor steps aside. */
  private history: string[];

  constructor(private readonly options: LineEditorOptions) {
    this.history = options.history ?? [];
    this.rl = this.create(this.history);
  }

  private create(history: string[]): Interface {
    const { input, output, completer } = this.options;
    const rl = createInterface({
      input,
      output,
      completer,
      history,
      historySize: this.options.historySize ?? 1000,
      terminal: true,
      prompt: '',
      crlfDelay: Infinity, // a CRLF split across reads is still one line end
    });
    rl.on('line', (line: string) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) return waiter(line);
      this.queue.push(line);
    });
    rl.on('close', () => {
      if (!this.suspended) this.end();
    });
    rl.on('SIGINT', () => this.options.onInterrupt?.(rl.line === ''));
    rl.on('history', (history: string[]) => (this.history = history));
    installHistorySearch(rl, () => this.history);
    return rl;
  }

  /**
   * The next line, the prompt shown while waiting. Undefined at the end of
   * input (Ctrl+D, EOF, close()).
   */
  nextLine(): Promise<string | undefined> {
    const queued = this.queue.shift();
    if (queued === undefined) return this.waitForLine();
    this.options.output.write(`${this.promptText}${queued}\n`); // show what runs next, as a shell does with type-ahead
    return Promise.resolve(queued);
  }

  /** None: a line typed ahead is shown with the prompt when its turn comes (nextLine). */
  takeQueued(): undefined {
    return undefined;
  }

  private waitForLine(): Promise<string | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    return new Promise<string | undefined>((resolve) => {
      this.waiter = (line) => {
        this.prompting = false;
        if (!this.ended) this.rl.setPrompt(''); // type-ahead echoes without a prompt
        resolve(line);
      };
      this.prompting = true;
      this.rl.setPrompt(this.promptText);
      this.rl.prompt(true);
    });
  }

  /** The prompt for the next lines; redrawn at once if it is showing. */
  setPrompt(text: string): void {
    this.promptText = text;
    if (this.prompting && !this.suspended) {
      this.rl.setPrompt(text);
      this.rl.prompt(true);
    }
  }

  /** Prints a line of its own; above the prompt (kept with what was typed) when it is showing. */
  print(text: string): void {
    const { output } = this.options;
    if (!this.prompting || this.suspended) {
      output.write(`${text}\n`);
      return;
    }
    const rows = this.rl.getCursorPos().rows;
    if (rows > 0) moveCursor(output, 0, -rows);
    cursorTo(output, 0);
    clearScreenDown(output);
    // readline redraws from `rows` rows above the cursor: give it that room below the message.
    output.write(`${text}\n${'\n'.repeat(rows)}`);
    this.rl.prompt(true);
  }

  /** Ctrl+C with something typed: leave it on screen with ^C, start afresh (as a shell does). */
  abandonLine(): void {
    this.rl.write(null, { ctrl: true, name: 'e' });
    const rows = this.rl.getCursorPos().rows;
    this.options.output.write(`^C\n${'\n'.repeat(rows)}`);
    this.rl.write(null, { ctrl: true, name: 'u' });
  }

  clearScreen(): void {
    cursorTo(this.options.output, 0, 0);
    clearScreenDown(this.options.output);
  }

  /** Lets `fn` (an enquirer prompt) have the keyboard, then takes it back with the history intact. */
  async suspend<T>(fn: () => Promise<T>): Promise<T> {
    if (this.ended) return fn();
    const history = this.history;
    this.suspended = true;
    this.rl.close();
    try {
      return await fn();
    } finally {
      this.suspended = false;
      if (!this.ended) this.rl = this.create(history);
    }
  }

  /** Ends input: the next nextLine() (after queued lines) is undefined. */
  close(): void {
    this.end();
    this.rl.close();
  }

  private end(): void {
    this.ended = true;
    this.prompting = false;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(undefined);
  }
}
