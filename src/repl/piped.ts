/**
 * The REPL without a terminal (and without --fail-fast): plain commands go
 * through a Pipeline (sent ahead of their answers), each answer printed whole
 * and in order, then its status line and transcript row, as one run one at a
 * time would give them.
 */
import type { Connection } from '../client/index.js';
import { DEFAULT_WINDOW, WINDOW_CHARS } from './batch-api.js';
import { OutputPrinter } from './output-printer.js';
import { Pipeline, type Sent } from './pipeline.js';
import { problemLine, statusLine } from './render.js';
import type { Screen } from './screen.js';
import { describe, type ServerLink } from './server-link.js';
import { rowFromFailure, rowFromResult, type SentCommand, type TranscriptRow } from './transcript.js';

export class PipedCommands {
  private readonly pipeline: Pipeline;

  constructor(
    private readonly screen: Screen,
    private readonly link: ServerLink,
    private readonly timeout: number | undefined,
    /** A finished command's row (written through later, with the answers read together). */
    private readonly record: (row: TranscriptRow, throughNow: boolean) => void,
  ) {
    const printer = new OutputPrinter({
      ...screen.outputs(),
      paint: screen.paint,
      pause: () => link.session?.connection?.pause(),
      resume: () => link.session?.connection?.resume(),
    });
    this.pipeline = new Pipeline(
      { print: printer.write, finish: (sent) => this.finish(sent) },
      { window: DEFAULT_WINDOW, windowChars: WINDOW_CHARS },
    );
  }

  /** Sends `command` on `conn`; undefined when the window has room for the next, else a promise of room. */
  send(conn: Connection, command: string): Promise<void> | undefined {
    return this.pipeline.send(conn, command, this.timeout);
  }

  /** Waits for every answer. */
  settle(): Promise<void> {
    return this.pipeline.settle();
  }

  interrupt(): void {
    this.pipeline.interrupt();
  }

  /** A command's answer, in order: its status line and transcript row. */
  private finish({ command, sentAt, result, error }: Sent): void {
    const { screen, link } = this;
    const asked: SentCommand = { target: link.where, command, timeout: this.timeout ?? null, sentAt };
    if (result) {
      const status = statusLine(result, screen.paint, false, command);
      if (status) screen.statusOut(status);
      this.record(rowFromResult(asked, result), false);
    } else {
      this.record(rowFromFailure(asked, error), false);
      screen.statusOut(problemLine(`${command}: no answer: ${describe(error, link.address)}`, screen.paint));
    }
  }
}
