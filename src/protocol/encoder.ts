import type { ClientMessage, ServerMessage } from './messages.js';

/** One frame: compact JSON and a newline. JSON escapes every raw newline, so a frame is always one line. */
export function encodeFrame(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message) + '\n';
}
