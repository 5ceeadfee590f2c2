/** The part of a writable stream (a socket) the frame writer needs. */
export interface FrameSink {
  write(chunk: string): boolean;
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
}

/** Frames gathered before they are written anyway. */
const MAX_BATCH = 64 * 1024;

/**
 * Gathers the frames produced in one turn of the event loop and writes them
 * with one call: pipelined runs produce many small frames, and a write (a
 * system call) per frame cost more than everything else a run does.
 */
export class FrameWriter {
  private parts: string[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly sink: FrameSink) {}

  /**
   * Queues a frame. Returns false when the peer is behind (the socket holds
   * more than its high-water mark): wait for the socket's 'drain' before
   * producing more. A false here always follows a socket write that returned
   * false, so 'drain' is sure to come.
   */
  write(frame: string): boolean {
    this.parts.push(frame);
    this.size += frame.length;
    if (this.size >= MAX_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return this.sink.writableLength < this.sink.writableHighWaterMark;
  }

  /** Writes what is gathered now (call before ending the socket). */
  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.sink.destroyed && !this.sink.writableEnded) this.sink.write(text);
  }
}
