import type { Socket } from 'node:net';

/** Bytes read per system call on a plain connection (a burst of answers). */
const READ_BUFFER = 64 * 1024;

/**
 * The one buffer every plain connection of the process reads into: reads
 * come one at a time from the event loop and each chunk is used up before
 * the next, so a thousand connections need no thousand buffers.
 */
let shared: Buffer | undefined;

/**
 * A connection's incoming bytes, handed to one reader (the frame reader) as
 * they arrive. A plain TCP socket reads straight into one buffer kept for
 * the process (`onread`): no stream and no new buffer per read, which cost
 * more than parsing the answers a read holds. A chunk handed on is valid
 * only during the call: the next read reuses its memory.
 */
export class SocketReads {
  private sink: ((chunk: Buffer) => void) | undefined;
  /** Chunks read before the reader was attached (copies). */
  private early: Buffer[] = [];

  /** The `onread` option for net.connect that feeds this. */
  static onread(reads: SocketReads): { buffer: Buffer; callback: (bytes: number, buffer: Buffer) => boolean } {
    return {
      buffer: (shared ??= Buffer.allocUnsafe(READ_BUFFER)),
      callback: (bytes, buffer) => {
        reads.deliver(buffer.subarray(0, bytes), true);
        return true;
      },
    };
  }

  /** Feeds this from a socket's 'data' events (a TLS socket, which has no `onread`). */
  static fromEvents(socket: Socket): SocketReads {
    const reads = new SocketReads();
    socket.on('data', (chunk: Buffer) => reads.deliver(chunk, false));
    return reads;
  }

  /** From now on every chunk goes to `sink` (those read before it first). */
  to(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    for (const chunk of early) sink(chunk);
  }

  private deliver(chunk: Buffer, reused: boolean): void {
    if (this.sink) this.sink(chunk);
    else this.early.push(reused ? Buffer.from(chunk) : chunk);
  }
}
