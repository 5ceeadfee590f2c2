import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import {
  ErrorCode,
  BatchedWriter,
  TcpcmdError,
  Feature,
  encodeFrame,
  encodeRunFrame,
  type ClientMessage,
  type RunId,
  type ServerMessage,
} from '../protocol/index.js';
import { PendingRun, PendingRuns } from './pending-runs.js';
import type { OutputChunk, RunOptions, RunResult, RunStream, ServerInfo, StreamOptions } from './types.js';

/**
 * How `connect()` hands a connection the frames it reads after the handshake;
 * the connection gives it when it is made. Not part of the public API.
 */
export interface FrameFeed {
  frame(message: ServerMessage): void;
  end(reason: TcpcmdError): void;
}
/** Bytes of stdin per `stdin` frame (base64 makes it a third more). */
const STDIN_CHUNK = 48 * 1024;

/** run()'s options when none are given: one object, not one per run. */
const NO_OPTIONS: RunOptions = Object.freeze({});

/** Chunks a stream() holds before the connection pauses. */
export const STREAM_HIGH_WATER = 64;

/**
 * How long past a run's `timeout` the client waits for the server's answer
 * before it gives up on its own: the server needs a moment to stop the
 * command and say so; a server that is stalled or unreachable never does.
 */
export const CLIENT_TIMEOUT_GRACE_MS = 5_000;

/**
 * A ready session with a tcpcmd server. Runs may be pipelined: call `run` many
 * times without waiting; the server runs them in order and answers by id.
 * Emits `close` with the TcpcmdError that ended it (undefined after `close()`).
 */
export class Connection extends EventEmitter<{ close: [TcpcmdError | undefined] }> {
  private readonly pending = new PendingRuns((id) => this.send({ type: 'cancel', id }));
  private nextId = 1;
  private ended: TcpcmdError | undefined;
  private closing = false;
  private readonly writer: BatchedWriter;
  /** pause() was called. */
  private paused = false;
  /** Streams whose reader is behind: the socket stays paused while any is. */
  private holds = 0;

  /** Made by `connect()`, which passes the frames it reads on to `attach`'s feed. */
  constructor(private readonly socket: Socket, readonly info: ServerInfo, attach: (feed: FrameFeed) => void) {
    super();
    this.writer = new BatchedWriter(socket);
    attach({ frame: this.#handle, end: (reason) => this.#end(reason) });
    socket.on('error', (err) => this.#end(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, `connection to ${info.address} failed: ${err.message}`, { cause: err })));
    socket.on('close', () => this.#end(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, `${info.address} closed the connection`)));
  }

  /** True once the connection is closed, for whatever reason. */
  get closed(): boolean {
    return this.ended !== undefined || this.closing;
  }

  /** Runs still waiting for their answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Runs a command; resolves with its result (a failed command is a result, not a rejection). Rejects only when the connection is lost. */
  run(cmd: string, options: RunOptions = NO_OPTIONS): Promise<RunResult> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.closing) return Promise.reject(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the connection is closing'));
    const id = this.nextId++;
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.resolve({
        id, command: cmd, exitCode: null, durationMs: 0, truncated: false, timedOut: false, cancelled: true,
        error: { code: ErrorCode.CANCELLED, message: 'cancelled before it was sent' }, stdout: '', stderr: '',
      });
    }
    if (options.stdin && !this.info.features.includes(Feature.STDIN)) {
      return Promise.reject(new TcpcmdError(ErrorCode.USAGE, `${this.info.address} (${this.info.server || 'an older server'}) cannot pass stdin to a command: upgrade it, or send no stdin (exec -n)`));
    }
    return this.#track(id, cmd, options, true);
  }

  /** The run connectAndRun sent with the handshake, as the first id: answered like any other, not sent again. Not public API. */
  trackSent(cmd: string, options: RunOptions): Promise<RunResult> {
    const id = this.nextId++;
    if (options.signal?.aborted) this.send({ type: 'cancel', id });
    return this.#track(id, cmd, options, false);
  }

  #track(id: number, cmd: string, options: RunOptions, send: boolean): Promise<RunResult> {
    const run = new PendingRun(cmd, options);
    this.pending.add(id, run);
    const { timeout } = options;
    if (timeout !== undefined) run.timer = setTimeout(() => this.giveUp(id, timeout), timeout + CLIENT_TIMEOUT_GRACE_MS);
    if (send) {
      // The only run in flight leaves at once; runs sent while others wait are gathered into one write.
      const frame = encodeRunFrame(id, cmd, options);
      if (this.pending.size === 1) this.writer.writeNow(frame);
      else this.writer.write(frame);
    }
    if (options.stdin) void this.sendStdin(id, run, options.stdin);
    return run.promise;
  }

  /**
   * Sends a run's stdin in `stdin` frames, then its end. Backpressure: a
   * frame is sent only once the socket has room (the server stops reading
   * while the command's stdin is full, so a slow command slows the source).
   * Stops when the run is answered; a source that fails ends the stdin there.
   */
  private async sendStdin(id: RunId, run: PendingRun, source: AsyncIterable<Uint8Array>): Promise<void> {
    let done = false;
    let wake: (() => void) | undefined;
    run.settled = () => {
      done = true;
      wake?.();
    };
    const room = (): Promise<void> => new Promise<void>((resolve) => {
      wake = resolve;
      this.socket.once('drain', resolve);
    }).finally(() => {
      wake = undefined;
    });
    try {
      for await (const chunk of source) {
        for (let at = 0; at < chunk.length && !done && !this.ended; at += STDIN_CHUNK) {
          const piece = Buffer.from(chunk.buffer, chunk.byteOffset + at, Math.min(STDIN_CHUNK, chunk.length - at));
          if (!this.writer.write(encodeFrame({ type: 'stdin', id, data: piece.toString('base64') }))) await room();
        }
        if (done || this.ended) return;
      }
    } catch {
      // An unreadable source ends the command's stdin here; the command goes on.
    }
    if (!done && !this.ended) this.send({ type: 'stdin', id, eof: true });
  }

  /**
   * Runs a command and yields its output as it arrives, with backpressure
   * (see RunStream). Output is not also collected into the result unless
   * `collect: true`.
   */
  stream(cmd: string, options: StreamOptions = {}): RunStream {
    const { highWaterMark = STREAM_HIGH_WATER, signal: callerSignal, ...runOptions } = options;
    const queue: OutputChunk[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let left = false; // the loop ended: what still comes is dropped
    let holding = false;
    const hold = (on: boolean): void => {
      if (on === holding) return;
      holding = on;
      this.holds += on ? 1 : -1;
      this.applyPause();
    };
    const stop = new AbortController();
    const signal = callerSignal ? AbortSignal.any([callerSignal, stop.signal]) : stop.signal;
    const result = this.run(cmd, {
      collect: false,
      ...runOptions,
      signal,
      onOutput: (stream, data) => {
        if (left) return;
        queue.push({ stream, data });
        if (queue.length >= highWaterMark) hold(true);
        wake?.();
      },
    });
    const settle = (): void => {
      finished = true;
      hold(false);
      wake?.();
    };
    result.then(settle, settle);
    return {
      result,
      get buffered() {
        return queue.length;
      },
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const chunk = queue.shift();
            if (chunk) {
              if (queue.length <= highWaterMark / 2) hold(false);
              yield chunk;
              continue;
            }
            if (finished) break;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        } finally {
          left = true;
          queue.length = 0;
          hold(false);
          if (!finished) stop.abort(); // the loop was left early: cancel the run
        }
        await result; // surfaces a lost connection to the loop
      },
    };
  }

  /** The server did not answer within the run's timeout and a grace: cancel it there (should it wake up) and end it here. */
  private giveUp(id: number, timeout: number): void {
    this.send({ type: 'cancel', id });
    this.pending.giveUp(id, {
      code: ErrorCode.TIMEOUT,
      message: `no answer from ${this.info.address} within the timeout (${timeout} ms) and ${CLIENT_TIMEOUT_GRACE_MS / 1000} s more: gave up waiting and cancelled the run (is the server stalled or overloaded?)`,
    });
  }

  /** Stops reading from the server (TCP backpressure reaches the server, which pauses the command). */
  pause(): void {
    this.paused = true;
    this.applyPause();
  }

  /** Reads again, unless a stream's reader is still behind (it resumes when it catches up). */
  resume(): void {
    this.paused = false;
    this.applyPause();
  }

  private applyPause(): void {
    if (this.paused || this.holds > 0) this.socket.pause();
    else this.socket.resume();
  }

  /**
   * Closes; waiting runs are rejected with CONNECTION_CLOSED. Bye only if
   * some wait: else an end says it with a write and an answer fewer. With
   * nothing waiting and everything written, nothing the server could still
   * send is wanted: the socket is closed at once rather than kept until the
   * server's own end comes back (a FIN; a reset instead if an answer we no
   * longer wait for, to a run given up or cancelled, is still unread, which
   * the server takes as the client gone).
   */
  async close(): Promise<void> {
    if (this.ended) return;
    this.closing = true;
    if (this.pending.size > 0) this.send({ type: 'bye' });
    this.writer.flush();
    if (this.pending.size === 0 && this.socket.writableLength === 0) {
      this.socket.destroy();
      return;
    }
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 2_000);
    await new Promise<void>((resolve) => (this.ended ? resolve() : this.socket.once('close', () => resolve())));
    clearTimeout(timer);
  }

  /** A frame from the server (a field: the frame reader calls it directly). */
  readonly #handle = (message: ServerMessage): void => {
    switch (message.type) {
      case 'out':
        return this.pending.output(message.id, message.stream, message.data, message.encoding === 'base64');
      case 'done':
        // The run's last piece of output, sent with its end (feature done-output): as an out frame just before.
        if (message.stdout !== undefined) this.pending.output(message.id, 'stdout', message.stdout);
        if (message.stderr !== undefined) this.pending.output(message.id, 'stderr', message.stderr);
        return this.pending.done(message);
      case 'error': {
        const err = new TcpcmdError(message.code, message.message);
        if (message.id !== undefined && !message.fatal) return this.pending.fail(message.id, err);
        return this.#end(err);
      }
      case 'bye':
        return this.#end(new TcpcmdError(message.code === 'DISCONNECT' ? ErrorCode.CONNECTION_CLOSED : message.code, `${this.info.address}: ${message.message}`));
      default:
        return this.#end(new TcpcmdError(ErrorCode.PROTOCOL_ERROR, `${this.info.address} sent an unexpected ${message.type} frame`));
    }
  };

  #end(reason: TcpcmdError): void {
    if (this.ended) return;
    this.ended = reason;
    this.pending.failAll(reason);
    this.socket.destroy();
    this.emit('close', this.closing ? undefined : reason);
  }

  private send(message: ClientMessage): void {
    this.writer.write(encodeFrame(message));
  }
}
