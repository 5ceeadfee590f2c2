import type { RunFrame } from '../protocol/index.js';
import { PlainAnswers, type PlainSink } from './plain-answers.js';

/**
 * How long a client must stay quiet after sending a first packet that has no
 * newline (and is not JSON) for that packet to be taken as a command. The
 * original client sent one command per packet, without a newline, and read
 * one answer per recv; from then on the session is in packet mode, where
 * each unfinished line is a command once the client is quiet this long.
 */
export const PACKET_QUIET_MS = 100;

/**
 * A session's plain-text (inline) mode, for nc, telnet, socat and the
 * original client: chosen when the first line does not start with `{`; each
 * line is a command, answered as PlainAnswers says; packet mode for a client
 * that sends commands without newlines.
 */
export class InlineMode {
  /** The session speaks plain text. */
  active = false;
  readonly answers: PlainAnswers;
  /** The first byte the client sent that is not white space: `{` for JSON. */
  private firstByte: number | undefined;
  /** Packet mode: the first command came as a packet with no newline. */
  private packets = false;
  private quietTimer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(sink: PlainSink) {
    this.answers = new PlainAnswers(sink);
  }

  /** Notes the client's first byte that is not white space. */
  saw(chunk: Buffer): void {
    this.firstByte ??= chunk.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a);
  }

  /** The client began with something other than `{`: plain text, known before its first line ends. */
  get plainStart(): boolean {
    return this.firstByte !== undefined && this.firstByte !== 0x7b;
  }

  /**
   * Packet mode: an unfinished plain-text line becomes a command once the
   * client has been quiet for PACKET_QUIET_MS (each new chunk restarts the
   * wait). `greeting`: the session has not chosen its mode yet.
   */
  watchQuiet(buffered: number, greeting: boolean, takeRest: () => void): void {
    this.stopWatching();
    if (buffered === 0 || !((greeting && this.plainStart) || (this.active && this.packets))) return;
    this.quietTimer = setTimeout(() => {
      this.packets = true;
      takeRest();
    }, PACKET_QUIET_MS);
  }

  stopWatching(): void {
    clearTimeout(this.quietTimer);
  }

  start(): void {
    this.active = true;
    if (this.packets) this.answers.holdAnswers();
  }

  /** A line as a run; a blank line (Enter alone in nc) is not a command. */
  run(line: string): RunFrame | undefined {
    return line.trim() === '' ? undefined : { type: 'run', id: ++this.seq, cmd: line };
  }
}
