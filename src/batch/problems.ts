/**
 * Input problems as `file:line: message`, collected over a whole file so the
 * user fixes them in one go, but only the first few kept (a broken
 * million-row file must not fill memory with messages).
 */
import { type ErrorCode, TcpcmdError } from '../protocol/index.js';

export const MAX_PROBLEMS = 20;

export interface Problem {
  line: number;
  message: string;
}

export class ProblemList {
  readonly kept: Problem[] = [];
  count = 0;

  constructor(readonly file: string, readonly max = MAX_PROBLEMS) {}

  add(line: number, message: string): void {
    this.count++;
    if (this.kept.length < this.max) this.kept.push({ line, message });
  }

  format(): string {
    const lines = this.kept.map((p) => `${this.file}:${p.line}: ${p.message}`);
    const more = this.count - this.kept.length;
    if (more > 0) lines.push(`... and ${more} more problem${more === 1 ? '' : 's'}`);
    return lines.join('\n');
  }

  throwIfAny(code: ErrorCode): void {
    if (this.count > 0) throw new TcpcmdError(code, this.format());
  }
}
