/**
 * A piped session (`tcpcmd connect host < cmds.txt`) sends commands ahead of
 * their answers, up to a window, as `tcpcmd run` does: waiting for each
 * answer before sending the next made a script of 20,000 lines cost 20,000
 * round trips. The server runs a session's commands in order, one at a time;
 * here each command's output is still printed whole and in order, and its
 * status line and transcript row follow it before anything of the next.
 *
 * The REPL settles the pipeline (waits for every answer) before anything that
 * is not a plain command: meta commands, leaving, kill and reset.
 */
import type { Connection, RunOptions, RunResult } from '../client/index.js';
import type { StreamName } from '../protocol/index.js';

export interface PipelineHooks {
  /** Prints output of the command whose turn it is. */
  print(stream: StreamName, data: string): void;
  /** A command's answer (`result`, or `error` when it got none), in the order they were sent. */
  finish(sent: Sent): void;
}

export interface PipelineLimits {
  /** Commands sent and not answered, at most. */
  window: number;
  /** Characters of those commands, at most (the server's queue is bounded by its frame limit). */
  windowChars: number;
}

/** A command sent, as finish() gets it. */
export interface Sent {
  readonly command: string;
  /** Date.now() when it was sent. */
  readonly sentAt: number;
  /** Its answer; undefined when it got none (then `error` says why). */
  readonly result: RunResult | undefined;
  readonly error: unknown;
}

/**
 * A command sent and not yet printed. It is its run's options too (signal,
 * timeout, onOutput): one object per command, where options, an entry and an
 * outcome were three.
 */
class Entry implements RunOptions, Sent {
  readonly sentAt = Date.now();
  result: RunResult | undefined = undefined;
  error: unknown = undefined;
  answered = false;
  /** Output that came while an earlier command was still being printed (made when some does). */
  held: [StreamName, string][] | undefined = undefined;
  /** Cancelled by interrupt() before its turn: never printed. */
  dropped = false;

  constructor(
    private readonly pipeline: Pipeline,
    readonly command: string,
    readonly signal: AbortSignal,
    readonly timeout: number | undefined,
  ) {}

  readonly onOutput = (stream: StreamName, data: string): void => this.pipeline.output(this, stream, data);
}

export class Pipeline {
  /** Sent and not yet printed, oldest first: the first one's output prints as it comes. */
  private readonly entries: Entry[] = [];
  private chars = 0;
  private wake: (() => void) | undefined;
  private controller = new AbortController();

  constructor(private readonly hooks: PipelineHooks, private readonly limits: PipelineLimits) {}

  /** Commands sent and not yet finished. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Sends `command` on `conn`; undefined when there is room in the window for
   * the next one, else a promise of room.
   */
  send(conn: Connection, command: string, timeout: number | undefined): Promise<void> | undefined {
    const entry = new Entry(this, command, this.controller.signal, timeout);
    this.entries.push(entry);
    this.chars += command.length;
    conn.run(command, entry).then(
      (result) => this.settled(entry, result, undefined),
      (error: unknown) => this.settled(entry, undefined, error),
    );
    return this.full() ? this.room() : undefined;
  }

  /** Output of `entry`: printed if its turn has come, else held until it does. */
  output(entry: Entry, stream: StreamName, data: string): void {
    if (this.entries[0] === entry) this.hooks.print(stream, data);
    else (entry.held ??= []).push([stream, data]);
  }

  private full(): boolean {
    return this.entries.length >= this.limits.window || (this.entries.length > 1 && this.chars > this.limits.windowChars);
  }

  private async room(): Promise<void> {
    while (this.full()) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** Resolves once every command sent has been answered and printed. */
  async settle(): Promise<void> {
    while (this.entries.length > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  /**
   * Ctrl+C (SIGINT without a terminal): cancels every command in flight. Only
   * the first keeps its answer (it was running); the rest never started as far
   * as the session is concerned and are dropped unprinted.
   */
  interrupt(): void {
    for (const dropped of this.entries.splice(1)) {
      dropped.dropped = true;
      this.chars -= dropped.command.length;
    }
    this.controller.abort();
    this.controller = new AbortController();
  }

  private settled(entry: Entry, result: RunResult | undefined, error: unknown): void {
    if (entry.dropped) return;
    entry.result = result;
    entry.error = error;
    entry.answered = true;
    let head = this.entries[0];
    while (head?.answered) {
      this.entries.shift();
      this.chars -= head.command.length;
      this.flushHeld(head);
      this.hooks.finish(head);
      head = this.entries[0];
      if (head) this.flushHeld(head);
    }
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private flushHeld(entry: Entry): void {
    const { held } = entry;
    if (!held) return;
    entry.held = undefined;
    for (const [stream, data] of held) this.hooks.print(stream, data);
  }
}
