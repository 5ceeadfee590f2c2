import type { Socket } from 'node:net';
import { BatchedWriter, encodeDoneFrame, encodeFrame, outFrameOfQuoted, type DoneFrame, type RunId, type ServerMessage, type StreamName } from '../protocol/index.js';
import { OutEncoder } from './out-encoder.js';
import { WRITTEN } from './run-output.js';


/**
 * Everything a session sends to its client: frames and plain text through one
 * BatchedWriter (so frames of one turn leave in one write), a run's output as
 * `out` frames, the promises runs wait on while the client is behind, and the
 * end of the socket.
 */
export class SessionOutput {
  private readonly writer: BatchedWriter;
  private drainWaiters: (() => void)[] = [];
  /** Output bytes as `out` frame payloads (text, or base64 for a client that negotiated `bytes`). */
  private out = new OutEncoder(false);
  /** The run whose output `out` may hold the end of. */
  private outRun: RunId | undefined;
  /** The client takes a run's last piece of text output in its done frame (feature `done-output`). */
  private fold = false;
  /** The last text `out` frame gathered (when `fold`): its run's done frame takes it in if it is not written yet. */
  private lastOut: { id: RunId; stream: StreamName; quoted: string; frame: string } | undefined;

  constructor(
    private readonly socket: Socket,
    /** The session accepts nothing more: what is sent now is dropped. */
    private readonly closed: () => boolean,
  ) {
    this.writer = new BatchedWriter(socket);
  }

  /** What the client negotiated: output bytes as base64 (`bytes`) or as text. */
  encodeBytes(bytes: boolean): void {
    this.out = new OutEncoder(bytes);
  }

  /** What the client negotiated: a run's last piece of text output may go in its done frame. */
  foldIntoDone(fold: boolean): void {
    this.fold = fold;
  }

  send(message: ServerMessage): boolean {
    if (this.closed()) return true;
    return this.sendRaw(message);
  }

  /** Sends even after the session closed (the last word: why it closed). */
  sendRaw(message: ServerMessage): boolean {
    return this.sendEncoded(encodeFrame(message));
  }

  /**
   * A run's done frame. When the run's last piece of output is still
   * gathered (a builtin's answer, made in one go), the done frame takes its
   * place and carries it: one frame for the client to read instead of two.
   */
  sendDone(done: Omit<DoneFrame, 'type' | 'stdout' | 'stderr'>): void {
    if (this.closed()) return;
    const last = this.lastOut;
    this.lastOut = undefined;
    if (last?.id === done.id && this.writer.replaceLast(last.frame, encodeDoneFrame(done, last))) return;
    this.sendEncoded(encodeDoneFrame(done));
  }

  private sendEncoded(frame: string): boolean {
    if (this.socket.destroyed || this.socket.writableEnded) return true;
    return this.writer.write(frame);
  }

  sendText(text: string | Uint8Array): boolean {
    if (this.closed() || this.socket.destroyed || this.socket.writableEnded) return true;
    return this.writer.write(text);
  }

  /** A piece of a run's output as an `out` frame; false: the client is behind. */
  sendOut(id: RunId, stream: 'stdout' | 'stderr', data: string | Uint8Array): boolean {
    if (typeof data === 'string') return this.sendOutText(id, stream, data);
    this.outRun = id;
    const piece = this.out.encode(stream, data);
    return piece ? this.send({ type: 'out', id, stream, ...piece }) : true;
  }

  private sendOutText(id: RunId, stream: StreamName, data: string): boolean {
    if (this.closed()) return true;
    const quoted = JSON.stringify(data);
    const frame = outFrameOfQuoted(id, stream, quoted);
    if (this.fold) this.lastOut = { id, stream, quoted, frame };
    return this.sendEncoded(frame);
  }

  /** The run ended: what the encoder still holds of its output (an unfinished character) goes out. */
  endOut(id: RunId): void {
    if (this.outRun !== id) return;
    this.outRun = undefined;
    for (const [stream, piece] of this.out.end()) this.send({ type: 'out', id, stream, ...piece });
  }

  /** Settled at once when the socket took the write (`ok`), else once it drains. */
  written(ok: boolean): Promise<void> {
    return ok ? WRITTEN : new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** The socket drained (or closed): the runs waiting on it go on. */
  drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Sends what is batched now (a lone answer need not wait for the end of the turn). */
  flush(): void {
    this.writer.flush();
  }

  /** Sends what is batched and ends the socket. */
  end(): void {
    this.drained();
    this.writer.flush();
    this.socket.end();
    // A peer that never reads cannot keep the socket (and its buffers) alive.
    setTimeout(() => this.socket.destroy(), 2_000).unref();
  }

  /** The client closed its sending side and is gone: what is batched goes, and our side ends. */
  flushAndEnd(): void {
    this.writer.flush();
    this.socket.end();
  }
}
