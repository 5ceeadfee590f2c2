/**
 * Prints a run's output as it arrives. On a terminal both streams go to the
 * screen, stderr in red; without one, stdout and stderr stay apart (as with
 * `tcpcmd exec`) and bytes pass untouched. Slow readers slow the server down
 * (TCP backpressure) instead of filling memory.
 */
import type { Writable } from 'node:stream';
import type { StreamName } from '../protocol/index.js';
import type { Painter } from './render.js';

export interface PrinterOptions {
  output: Writable;
  errorOutput: Writable;
  terminal: boolean;
  paint: Painter;
  /** Stop / restart reading from the server while the output catches up. */
  pause?: () => void;
  resume?: () => void;
}

export class OutputPrinter {
  /** Whether the last byte on the screen ended a line (so the prompt starts on a fresh one). */
  private atLineStart = true;
  private paused = false;

  constructor(private readonly options: PrinterOptions) {}

  readonly write = (stream: StreamName, data: string): void => {
    if (data === '') return;
    const { output, errorOutput, terminal, paint } = this.options;
    const target = terminal || stream === 'stdout' ? output : errorOutput;
    const text = terminal && stream === 'stderr' ? paint.red(data) : data;
    if (target === output) this.atLineStart = data.endsWith('\n');
    if (!target.write(text) && this.options.pause && !this.paused) {
      this.paused = true;
      this.options.pause();
      target.once('drain', () => {
        this.paused = false;
        this.options.resume?.();
      });
    }
  };

  /** On a terminal, ends an unfinished last line so what follows starts on its own. */
  endLine(): void {
    if (this.options.terminal && !this.atLineStart) this.options.output.write('\n');
    this.atLineStart = true;
  }
}
