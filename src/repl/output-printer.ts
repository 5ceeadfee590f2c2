/**
 * Prints a run's output as it arrives. On a terminal both streams go to the
 * screen, stderr in red; without one, stdout and stderr stay apart (as with
 * `tcpcmd exec`) and bytes pass untouched. Slow readers slow the server down
 * (TCP backpressure) instead of filling memory.
 */
import type { Writable } from 'node:stream';
import { OutputBackpressure } from '../client/output-backpressure.js';
import { BatchedWriter, type StreamName } from '../protocol/index.js';
import type { Painter } from './render.js';

/** Where text goes: a stream, or a side of an OrderedOutput. */
export interface TextOut {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * stdout and stderr for a piped session: what is written in one go (the
 * answers that came in one read) leaves in one write per stream, and a switch
 * from one stream to the other first writes out what the other holds, so
 * that `2>&1` still shows each status line after its command's output. A
 * write per piece of output was a system call per command.
 */
export class OrderedOutput {
  readonly out: TextOut;
  readonly err: TextOut;
  private readonly writers: [BatchedWriter, BatchedWriter];
  private last = 0;

  constructor(stdout: Writable, stderr: Writable) {
    this.writers = [new BatchedWriter(stdout), new BatchedWriter(stderr)];
    const side = (index: 0 | 1, stream: Writable): TextOut => ({
      write: (text) => {
        if (this.last !== index) this.writers[this.last === 0 ? 0 : 1].flush();
        this.last = index;
        return this.writers[index].write(text);
      },
      once: (event, listener) => stream.once(event, listener),
    });
    this.out = side(0, stdout);
    this.err = side(1, stderr);
  }

  /** Writes out what is held (before leaving). */
  flush(): void {
    for (const writer of this.writers) writer.flush();
  }
}

export interface PrinterOptions {
  output: TextOut;
  errorOutput: TextOut;
  terminal: boolean;
  paint: Painter;
  /** Stop / restart reading from the server while the output catches up. */
  pause?: () => void;
  resume?: () => void;
}

export class OutputPrinter {
  /** Whether the last byte on the screen ended a line (so the prompt starts on a fresh one). */
  private atLineStart = true;
  private readonly backpressure: OutputBackpressure | undefined;

  constructor(private readonly options: PrinterOptions) {
    const { pause, resume } = options;
    if (pause) this.backpressure = new OutputBackpressure(pause, resume ?? (() => {}));
  }

  readonly write = (stream: StreamName, data: string): void => {
    if (data === '') return;
    const { output, errorOutput, terminal, paint } = this.options;
    const target = terminal || stream === 'stdout' ? output : errorOutput;
    const text = terminal && stream === 'stderr' ? paint.red(data) : data;
    if (target === output) this.atLineStart = data.endsWith('\n');
    if (this.backpressure) this.backpressure.write(target, text);
    else target.write(text);
  };

  /** On a terminal, ends an unfinished last line so what follows starts on its own. */
  endLine(): void {
    if (this.options.terminal && !this.atLineStart) this.options.output.write('\n');
    this.atLineStart = true;
  }
}
