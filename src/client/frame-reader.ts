import type { Socket } from 'node:net';
import { DEFAULT_MAX_FRAME, ErrorCode, LineDecoder, TcpcmdError, parseServerMessage, type ServerMessage } from '../protocol/index.js';

/**
 * Reads server frames off a socket. Anything that is not a valid frame is a
 * PROTOCOL_ERROR naming what came: the peer is not a tcpcmd server (or a broken one).
 */
export function readFrames(socket: Socket, where: string, onFrame: (m: ServerMessage) => void, onError: (e: TcpcmdError) => void, maxFrame = DEFAULT_MAX_FRAME): void {
  const decoder = new LineDecoder(maxFrame);
  let failed = false;
  socket.on('data', (chunk: Buffer) => {
    if (failed) return;
    for (const event of decoder.push(chunk)) {
      if (event.kind !== 'line') {
        failed = true;
        onError(new TcpcmdError(ErrorCode.PROTOCOL_ERROR, `${where} sent ${event.kind === 'too-large' ? `a frame over ${maxFrame} bytes` : 'bytes that are not UTF-8'}: is it a tcpcmd server?`));
        return;
      }
      const parsed = parseServerMessage(event.line);
      if (!parsed.ok) {
        failed = true;
        const sample = event.line.length > 60 ? `${event.line.slice(0, 60)}…` : event.line;
        onError(new TcpcmdError(ErrorCode.PROTOCOL_ERROR, `${where} does not speak the tcpcmd protocol (${parsed.message}: ${JSON.stringify(sample)})`));
        return;
      }
      onFrame(parsed.value);
    }
  });
}
