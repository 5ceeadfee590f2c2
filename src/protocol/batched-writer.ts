/** The part of a writable stream (a socket, stderr) the batched writer needs. */
export interface BatchSink {
  write(chunk: string): boolean;
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
}

/** Text gathered before it is written anyway. */
const MAX_BATCH = 8 * 1024;

/**
 * Gathers the lines (frames, log lines) produced in one turn of the event loop
 * and writes them with one call: pipelined runs produce many small frames, and
 * a write (a system call) per frame cost more than everything else a run does.
 */
export class BatchedWriter {
  private parts: string[] = [];
  private size = 0;
  private scheduled = false;

  constructor(private readonly sink: BatchSink) {}

  /**
   * Queues text. Returns false when the peer is behind (the socket holds
   * more than its high-water mark): wait for the socket's 'drain' before
   * producing more. A false here always follows a socket write that returned
   * false, so 'drain' is sure to come.
   */
  write(text: string): boolean {
    this.parts.push(text);
    this.size += text.length;
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
