import type { RunAnswer } from './run.js';

/** Output of one answer held in packet mode before it is sent anyway: the original client reads each answer with one recv(1024). */
export const PACKET_ANSWER_BYTES = 1024;

/** What a plain-text session's answers are written to; false means the peer is behind (wait for 'drain'). */
export type PlainSink = (data: string | Uint8Array) => boolean;

/**
 * The answers of a plain-text session (nc, socat, telnet, the original
 * client): output raw, then a marker line when the command did not succeed.
 * Answers never run together, and none is empty:
 *
 * - output that does not end in a newline is ended with one;
 * - a command that succeeds without output is answered `[exit 0]`, so a
 *   client that waits for an answer to every command always gets one;
 * - in packet mode (the client sends one command per packet and reads one
 *   answer per recv) an answer's output is held until it ends, up to
 *   PACKET_ANSWER_BYTES, so that the whole answer leaves in one write.
 */
export class PlainAnswers {
  private wrote = false;
  private endsInNewline = true;
  private held: (string | Uint8Array)[] = [];
  private heldBytes = 0;
  private holding = false;
  /** This answer passed PACKET_ANSWER_BYTES: the rest of it streams. */
  private streaming = false;

  constructor(private readonly sink: PlainSink) {}

  /** Packet mode: each answer is gathered and sent whole. */
  holdAnswers(): void {
    this.holding = true;
  }

  output(data: string | Uint8Array): boolean {
    if (data.length === 0) return true;
    this.wrote = true;
    this.endsInNewline = typeof data === 'string' ? data.endsWith('\n') : data[data.length - 1] === 10;
    if (this.holding && !this.streaming) {
      this.held.push(data);
      this.heldBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      if (this.heldBytes < PACKET_ANSWER_BYTES) return true;
      this.streaming = true;
      return this.release();
    }
    return this.sink(data);
  }

  /** Ends the current answer: its boundary and marker, sent with what was held. */
  answer(answer: RunAnswer): void {
    let end = this.wrote && !this.endsInNewline ? '\n' : '';
    if (answer.error) end += `[error ${answer.error.code}] ${answer.error.message}\n`;
    else if (answer.signal !== undefined) end += `[killed by ${answer.signal}]\n`;
    else if (answer.exitCode !== 0 || !this.wrote) end += `[exit ${answer.exitCode ?? '?'}]\n`;
    this.wrote = false;
    this.endsInNewline = true;
    this.streaming = false;
    if (end !== '') this.held.push(end);
    this.release();
  }

  /** A line outside any answer (a protocol error, why the session closes). */
  line(text: string): void {
    this.sink(`${text}\n`);
  }

  private release(): boolean {
    if (this.held.length === 0) return true;
    const parts = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (parts.length === 1) return this.sink(parts[0] as string | Uint8Array);
    return this.sink(parts.some((p) => typeof p !== 'string') ? Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))) : parts.join(''));
  }
}
