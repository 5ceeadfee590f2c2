import { DEFAULT_MAX_FRAME, ErrorCode, LineDecoder, TcpcmdError, parseServerMessage, type ServerMessage } from '../protocol/index.js';
import type { SocketReads } from './socket-reads.js';

/**
 * Reads server frames off a socket. Anything that is not a valid frame is a
 * PROTOCOL_ERROR naming what came: the peer is not a tcpcmd server (or a broken one).
 * `onFrame` and `onError` may be swapped while it reads (the handshake hands
 * the socket's frames to the connection it made, from the next frame on).
 */
export class FrameReader {
  private readonly decoder: LineDecoder;
  private failed = false;

  constructor(
    reads: SocketReads,
    private readonly where: string,
    public onFrame: (m: ServerMessage) => void,
    public onError: (e: TcpcmdError) => void,
    private readonly maxFrame = DEFAULT_MAX_FRAME,
  ) {
    this.decoder = new LineDecoder(maxFrame);
    reads.to((chunk) => this.push(chunk));
  }

  /** Frames of a chunk of whole ones are parsed straight from one decode (LineDecoder.eachWholeLine); anything else goes through push(). */
  private push(chunk: Buffer): void {
    if (this.failed || this.decoder.eachWholeLine(chunk, this.wholeLine)) return;
    for (const event of this.decoder.push(chunk)) {
      if (this.failed) return;
      if (event.kind === 'line') {
        this.line(event.line);
        continue;
      }
      this.fail(`${this.where} sent ${event.kind === 'too-large' ? `a frame over ${this.maxFrame} bytes` : 'bytes that are not UTF-8'}: is it a tcpcmd server?`);
    }
  }

  private readonly wholeLine = (line: string): boolean => {
    this.line(line);
    return !this.failed;
  };

  private line(line: string): void {
    const parsed = parseServerMessage(line);
    if (parsed.ok) return this.onFrame(parsed.value);
    const sample = line.length > 60 ? `${line.slice(0, 60)}…` : line;
    this.fail(`${this.where} does not speak the tcpcmd protocol (${parsed.message}: ${JSON.stringify(sample)})`);
  }

  private fail(message: string): void {
    this.failed = true;
    this.onError(new TcpcmdError(ErrorCode.PROTOCOL_ERROR, message));
  }
}
