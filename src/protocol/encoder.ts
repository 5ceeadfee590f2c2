import type { ClientMessage, RunFrame, RunId, ServerMessage } from './messages.js';

/** One frame: compact JSON and a newline. JSON escapes every raw newline, so a frame is always one line. */
export function encodeFrame(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message) + '\n';
}

type WrittenRunFields = 'type' | 'id' | 'cmd' | 'timeout' | 'stdin';
/** A field added to RunFrame fails to compile here until encodeRunFrame writes it too. */
const everyRunFieldWritten: [Exclude<keyof RunFrame, WrittenRunFields>] extends [never] ? true : never = true;
void everyRunFieldWritten;

/**
 * The frame that asks for a run, encoded: the same text as encodeFrame of a
 * RunFrame, written out directly (the one frame a client sends per command,
 * so no object to build and walk).
 */
export function encodeRunFrame(id: RunId, cmd: string, options: { timeout?: number | undefined; stdin?: unknown }): string {
  const timeout = options.timeout === undefined ? '' : `,"timeout":${JSON.stringify(options.timeout)}`;
  return `{"type":"run","id":${JSON.stringify(id)},"cmd":${JSON.stringify(cmd)}${timeout}${options.stdin ? ',"stdin":true' : ''}}\n`;
}
