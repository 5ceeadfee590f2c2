import type { ClientMessage, DoneFrame, RunFrame, RunId, ServerMessage, StreamName } from './messages.js';

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

/** `stdout` and `stderr` come from encodeDoneFrame's `piece`, the output's JSON string made once. */
type WrittenDoneFields = 'type' | 'id' | 'exitCode' | 'durationMs' | 'signal' | 'truncated' | 'error' | 'data' | 'stdout' | 'stderr';
/** A field added to DoneFrame fails to compile here until encodeDoneFrame writes it too. */
const everyDoneFieldWritten: [Exclude<keyof DoneFrame, WrittenDoneFields>] extends [never] ? true : never = true;
void everyDoneFieldWritten;

/**
 * The frames a server sends for every run (its text output and its end),
 * encoded: the same text as encodeFrame, written out directly. A sequential
 * client waits on these; building an object and walking it with
 * JSON.stringify cost more than the rest of a builtin's answer. `quoted`:
 * the output's JSON string, made already (a done frame may take it instead).
 */
export function outFrameOfQuoted(id: RunId, stream: StreamName, quoted: string): string {
  return `{"type":"out","id":${JSON.stringify(id)},"stream":"${stream}","data":${quoted}}\n`;
}

/**
 * See outFrameOfQuoted; optional fields in the order encodeFrame would write
 * them. `piece`: a piece of output whose JSON string is made already, as the
 * frame's `stdout` or `stderr` (feature `done-output`).
 */
export function encodeDoneFrame(done: Omit<DoneFrame, 'type' | 'stdout' | 'stderr'>, piece?: { stream: StreamName; quoted: string }): string {
  let text = `{"type":"done","id":${JSON.stringify(done.id)},"exitCode":${done.exitCode},"durationMs":${done.durationMs}`;
  if (done.signal !== undefined) text += `,"signal":${JSON.stringify(done.signal)}`;
  if (done.truncated !== undefined) text += `,"truncated":${done.truncated}`;
  if (done.error !== undefined) text += `,"error":${JSON.stringify(done.error)}`;
  if (done.data !== undefined) text += `,"data":${JSON.stringify(done.data)}`;
  if (piece) text += `,"${piece.stream}":${piece.quoted}`;
  return `${text}}\n`;
}
