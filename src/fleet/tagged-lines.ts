/**
 * Output of many servers, interleaved line by line and tagged with the
 * server's name, as `parallel --tag` and pdsh print it:
 *
 *   web-1 | Linux
 *   web-22| ...
 *
 * Names are padded to the longest, so the bars line up. A line is printed
 * only once it is whole (or its server is done), so two servers never share
 * a line.
 */
import type { StreamName } from '../protocol/index.js';

export type LineSink = (stream: StreamName, text: string) => void;

export class TaggedLines {
  private readonly partial = new Map<string, string>();
  private readonly width: number;

  constructor(names: readonly string[], private readonly sink: LineSink) {
    this.width = names.reduce((w, n) => Math.max(w, n.length), 0);
  }

  /** The prefix of a server's lines: its name padded, then ` | `. */
  tag(name: string): string {
    return `${name.padEnd(this.width)} | `;
  }

  write(name: string, stream: StreamName, data: string): void {
    const key = `${stream}\0${name}`;
    const text = (this.partial.get(key) ?? '') + data;
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      this.partial.set(key, text);
      return;
    }
    this.partial.delete(key);
    if (last < text.length - 1) this.partial.set(key, text.slice(last + 1));
    const tag = this.tag(name);
    const lines = text.slice(0, last).split('\n');
    this.sink(stream, lines.map((l) => `${tag}${l}\n`).join(''));
  }

  /** The server is done: its unfinished lines are printed, ended. */
  end(name: string): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const key = `${stream}\0${name}`;
      const rest = this.partial.get(key);
      if (rest === undefined) continue;
      this.partial.delete(key);
      this.sink(stream, `${this.tag(name)}${rest}\n`);
    }
  }
}
