/**
 * The lines of a piped script (the REPL without a terminal), read in chunks
 * and split in place, without readline: no prompt, history or editing is
 * needed, and readline's per-line event cost a 20,000-line script about a
 * tenth of its time. Lines end as readline ends them (`\n`, `\r\n`, or a lone
 * `\r`, a `\r\n` split across reads still one end); the last line needs no
 * end. Reading pauses while MAX_QUEUED lines wait, so memory stays flat
 * however long the script.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Lines read ahead of the REPL before reading pauses. */
export const MAX_QUEUED = 1000;

const LINE_END = /\r\n|\n|\r/g;

export class PipedLines {
  /** Lines waiting, taken from the front by index (Array#shift would move every waiting line on each). */
  private lines: string[] = [];
  private head = 0;
  /** The start of a line whose end has not come yet. */
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  /** The last read ended with `\r`: a `\n` first in the next belongs to it. */
  private skipLF = false;
  private ended = false;
  private paused = false;
  private waiter: ((line: string | undefined) => void) | undefined;

  constructor(private readonly input: Readable) {
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    // An unreadable stdin ends the script where it broke, as its end would.
    input.on('error', this.onEnd);
  }

  /** The next line if one was read already, else undefined (then nextLine() waits for one): no promise per line. */
  takeQueued(): string | undefined {
    if (this.head === this.lines.length) return undefined;
    const line = this.lines[this.head++];
    if (this.head === this.lines.length) {
      this.lines = [];
      this.head = 0;
    } else if (this.head >= MAX_QUEUED) {
      // Lines taken leave the array now and then: reading goes on before the queue is ever empty.
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
    if (this.lines.length - this.head < MAX_QUEUED / 2) this.resume();
    return line;
  }

  /** The next line; undefined at the end of input or after close(). */
  nextLine(): Promise<string | undefined> {
    const queued = this.takeQueued();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(undefined);
    this.resume();
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Lines held in memory, taken or not: about MAX_QUEUED and one read's worth at most, however long the script. */
  get held(): number {
    return this.lines.length;
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.input.resume();
  }

  /** Stops reading: lines already read are still taken, then nextLine() says the end. */
  close(): void {
    this.stop();
    this.input.pause();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.ended) return;
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    if (text === '') return;
    const from = text.includes('\r') ? this.splitAny(text) : this.splitLF(text);
    this.partial = from === 0 ? this.partial + text : text.slice(from);
    this.wakeWaiter();
    if (this.lines.length - this.head >= MAX_QUEUED) {
      this.paused = true;
      this.input.pause();
    }
  };

  /** Lines of text ending in `\n` (the common case); returns where the unended rest starts. */
  private splitLF(text: string): number {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.push(text.slice(from, nl));
      from = nl + 1;
    }
    return from;
  }

  /** The same with `\r\n` and lone `\r` ends too. */
  private splitAny(text: string): number {
    let from = 0;
    LINE_END.lastIndex = 0;
    for (let end = LINE_END.exec(text); end; end = LINE_END.exec(text)) {
      this.push(text.slice(from, end.index));
      from = LINE_END.lastIndex;
    }
    if (from === text.length && text.charCodeAt(from - 1) === 13) this.skipLF = true;
    return from;
  }

  private push(line: string): void {
    if (this.partial !== '') {
      line = this.partial + line;
      this.partial = '';
    }
    this.lines.push(line);
  }

  private readonly onEnd = (): void => {
    if (this.ended) return;
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.lines.push(rest);
    this.stop();
  };

  private stop(): void {
    this.ended = true;
    this.input.removeListener('data', this.onData);
    this.input.removeListener('end', this.onEnd);
    this.input.removeListener('error', this.onEnd);
    this.wakeWaiter();
  }

  private wakeWaiter(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const line = this.takeQueued();
    if (line === undefined && !this.ended) return;
    this.waiter = undefined;
    waiter(line);
  }
}
