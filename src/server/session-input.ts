import type { Socket } from 'node:net';
import { LineDecoder, type LineEvent } from '../protocol/index.js';

/**
 * Answers the server has not yet handed to the network, past which it stops
 * reading from this client: a client that sends but never reads (a flood of
 * bad frames, each answered) cannot grow the server's memory. Run output does
 * not reach it: a run waits for the socket to drain after each piece.
 */
export const UNSENT_HIGH_WATER = 1024 * 1024;

/** What the session does with what its client sent. */
export interface InputHandler {
  /** The session accepts nothing more. */
  closed(): boolean;
  /** One decoded line, or a line that was not valid UTF-8 or grew past the limit. */
  line(event: LineEvent): void;
  /** Every line decoded so far was handled (after a half-close, the session may end). */
  settled(): void;
}

/**
 * A session's input: the client's bytes decoded into lines, handled in order,
 * with backpressure both ways: reading pauses while our unsent answers pass
 * UNSENT_HIGH_WATER, and while a run's stdin is full.
 */
export class SessionInput {
  readonly decoder: LineDecoder;
  private readingPaused = false;
  /** Reading is paused until a run's stdin drains. */
  private stdinHeld = false;
  /** Decoded lines not handled yet (reading paused for backpressure), and the next one's index. */
  private backlog: LineEvent[] = [];
  private backlogAt = 0;

  constructor(
    private readonly socket: Socket,
    maxLine: number,
    private readonly handler: InputHandler,
  ) {
    this.decoder = new LineDecoder(maxLine);
  }

  /** Decodes a chunk; its lines wait for handle(). */
  take(chunk: Buffer): void {
    const events = this.decoder.push(chunk);
    // A chunk that was already on its way when reading paused joins the lines still waiting.
    this.backlog = this.backlogAt < this.backlog.length ? this.backlog.slice(this.backlogAt).concat(events) : events;
    this.backlogAt = 0;
  }

  /** Handles the lines waiting, unless reading is paused. */
  handle(): void {
    if (!this.readingPaused) this.process();
  }

  /** The unfinished line held by the decoder, handled as a whole line. */
  takeRest(): void {
    const rest = this.decoder.takeRest();
    if (!rest) return;
    this.backlog.push(rest);
    this.handle();
  }

  /** Lines decoded and not handled yet. */
  get pending(): boolean {
    return this.backlogAt < this.backlog.length;
  }

  /** The socket drained: reading goes on if it paused for our answers. */
  drained(): void {
    if (!this.readingPaused || this.handler.closed()) return;
    this.readingPaused = false;
    this.process();
    if (!this.readingPaused && !this.stdinHeld) this.socket.resume();
  }

  /** A run's stdin is full: stop reading the client until it drains (or the run ends). */
  holdForStdin(on: boolean): void {
    this.stdinHeld = on;
    if (on) this.socket.pause();
    else if (!this.readingPaused && !this.handler.closed()) this.socket.resume();
  }

  /**
   * Handles the waiting lines, but stops (and stops reading the socket) while
   * our unsent answers pass UNSENT_HIGH_WATER: a client that floods small
   * frames and never reads gets no more answers queued for it.
   */
  private process(): void {
    while (this.backlogAt < this.backlog.length) {
      if (this.handler.closed()) break;
      if (this.socket.writableLength > UNSENT_HIGH_WATER) {
        this.readingPaused = true;
        this.socket.pause();
        return;
      }
      this.handler.line(this.backlog[this.backlogAt++] as LineEvent);
    }
    this.backlog = [];
    this.backlogAt = 0;
    this.handler.settled();
  }
}

/**
 * --idle-timeout: the session closes when its client has sent no whole frame
 * for that long and no run is going. Idle is measured on whole frames, not
 * bytes: a client that trickles a byte a second never finishes a frame, so it
 * is idle all the same.
 */
export class IdleWatch {
  /** When the client last sent a whole frame (or a run ended). */
  private lastHeard = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleMs: number,
    /** The session's runs: while one is going the session is not idle; once closed, the watch ends. */
    private readonly runs: { readonly busy: boolean; closed(): boolean },
    private readonly onIdle: () => void,
  ) {
    if (idleMs > 0) this.arm(idleMs);
  }

  /** A whole frame arrived, or a run ended: idle counts from now. */
  heard(): void {
    this.lastHeard = performance.now();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      if (this.runs.closed()) return;
      const quiet = performance.now() - this.lastHeard;
      if (this.runs.busy) this.arm(this.idleMs);
      else if (quiet >= this.idleMs - 1) this.onIdle();
      else this.arm(Math.ceil(this.idleMs - quiet));
    }, ms).unref();
  }
}
