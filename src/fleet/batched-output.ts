/**
 * What a fan-out prints, batched: lines of the same moment go out in one
 * write per stream (a thousand servers answer within a few ms), and a stream
 * that is full holds every session (`flow.pause`) until it has drained.
 */
import type { StreamName } from '../protocol/index.js';

export class BatchedOutput {
  private readonly pending: Record<StreamName, string> = { stdout: '', stderr: '' };
  private queued = false;
  private readonly waiting = new Set<NodeJS.WritableStream>();
  /** stdout's reader has left (EPIPE): what would go there is dropped. */
  readerGone = false;

  constructor(
    private readonly streams: Record<StreamName, NodeJS.WritableStream>,
    private readonly flow: { pause(): void; resume(): void },
  ) {}

  write(stream: StreamName, text: string): void {
    this.pending[stream] += text;
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.queued = false;
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = this.pending[stream];
      if (text === '') continue;
      this.pending[stream] = '';
      if (this.readerGone && stream === 'stdout') continue;
      const out = this.streams[stream];
      if (out.write(text) || this.waiting.has(out)) continue;
      this.waiting.add(out);
      this.flow.pause();
      out.once('drain', () => {
        this.waiting.delete(out);
        if (this.waiting.size === 0) this.flow.resume();
      });
    }
  }
}
