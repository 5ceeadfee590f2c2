/**
 * Wire protocol v1: one JSON object per line. These are the frame types and a
 * validator for each direction. Validation is by hand (no schema library) to
 * keep start-up light; it checks exactly what docs/protocol.md specifies.
 */
import { type ErrorInfo, isErrorCode } from './errors.js';
import { type RunData, parseRunData } from './metrics.js';

export const PROTOCOL_VERSION = 1;

export type RunId = string | number;
export type StreamName = 'stdout' | 'stderr';

// Client -> server
/** `features`: what the client asks for beyond protocol 1's base (see `Feature`); unknown names are ignored. */
export interface ClientHello { type: 'hello'; protocol: number; client?: string; features?: string[] }
export interface AuthFrame { type: 'auth'; hmac: string }
/** `stdin: true` (feature `stdin`): the command reads the stdin frames sent for this id; otherwise its stdin is empty. */
export interface RunFrame { type: 'run'; id: RunId; cmd: string; timeout?: number; stdin?: boolean }
/** A piece of a run's stdin (base64 `data`), or its end (`eof: true`); feature `stdin`. */
export interface StdinFrame { type: 'stdin'; id: RunId; data?: string; eof?: boolean }
export interface CancelFrame { type: 'cancel'; id: RunId }
export interface ClientBye { type: 'bye' }
export type ClientMessage = ClientHello | AuthFrame | RunFrame | StdinFrame | CancelFrame | ClientBye;

// Server -> client
export interface ServerHello {
  type: 'hello';
  protocol: number;
  server: string;
  hostname: string;
  auth: 'none' | 'token';
  nonce: string;
  /** The features asked for in the client's hello that this server grants; absent when none were asked for. */
  features?: string[];
}
export interface ReadyFrame { type: 'ready'; session: string; commands: string[] }
/** `data` is text, or with `encoding: "base64"` (feature `bytes`) the base64 of output bytes that are not UTF-8. */
export interface OutFrame { type: 'out'; id: RunId; stream: StreamName; data: string; encoding?: 'base64' }
export interface DoneFrame {
  type: 'done';
  id: RunId;
  /** The command's own exit code; null when it produced none (error, killed). */
  exitCode: number | null;
  durationMs: number;
  signal?: string;
  truncated?: boolean;
  error?: ErrorInfo;
  /** A supervision builtin's figures, when the session negotiated the `data` feature. */
  data?: RunData;
  /** The run's last piece of output, as if an `out` frame had come just before (feature `done-output`); at most one of the two. */
  stdout?: string;
  stderr?: string;
}
export interface ErrorFrame { type: 'error'; code: ErrorInfo['code']; message: string; fatal: boolean; id?: RunId }
export interface ServerBye { type: 'bye'; code: ErrorInfo['code'] | 'DISCONNECT'; message: string }
export type ServerMessage = ServerHello | ReadyFrame | OutFrame | DoneFrame | ErrorFrame | ServerBye;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_ID_LENGTH = 128;
/** Standard base64, padded. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isRunId(v: unknown): v is RunId {
  return (typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH) ||
    (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
}

/** A hello's `features`: the strings of an array, else none. */
function features(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : undefined;
}

function fail<T>(message: string): Parsed<T> {
  return { ok: false, message };
}

/**
 * How deep a frame may nest. Every frame of the protocol is a flat object or
 * close to it; JSON.parse of a line nested half a million levels deep takes a
 * quarter of a second, so depth is checked before it parses anything.
 */
export const MAX_FRAME_DEPTH = 32;

/**
 * Whether `line` nests arrays and objects no deeper than `max` (brackets
 * inside strings do not count). No allocation; a line with at most `max`
 * opening brackets in all (every frame of the protocol) is answered by
 * native `indexOf` alone: a scan in JavaScript, character by character,
 * cost more than parsing a large output frame.
 */
export function nestsWithin(line: string, max: number): boolean {
  if (openingBrackets(line, max + 1) <= max) return true;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash: the next character is escaped
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return false;
    } else if (c === 125 || c === 93) depth--;
  }
  return true;
}

/** The `{` and `[` in `line`, counted up to `stop`. */
function openingBrackets(line: string, stop: number): number {
  let count = 0;
  for (let at = line.indexOf('{'); at !== -1 && count < stop; at = line.indexOf('{', at + 1)) count++;
  for (let at = line.indexOf('['); at !== -1 && count < stop; at = line.indexOf('[', at + 1)) count++;
  return count;
}

/** A frame's JSON object, or what is wrong with the line. */
function parseObject(line: string): Record<string, unknown> | string {
  if (!nestsWithin(line, MAX_FRAME_DEPTH)) return `frame nests deeper than ${MAX_FRAME_DEPTH} levels`;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'frame is not valid JSON';
  }
  return isObject(v) ? v : 'frame must be a JSON object';
}

/** Parses one line from a client. Never throws. */
export function parseClientMessage(line: string): Parsed<ClientMessage> {
  const v = parseObject(line);
  if (typeof v === 'string') return fail(v);
  switch (v.type) {
    case 'hello': {
      if (typeof v.protocol !== 'number') return fail('hello.protocol must be a number');
      const hello: ClientHello = { type: 'hello', protocol: v.protocol, client: typeof v.client === 'string' ? v.client : undefined };
      const asked = features(v.features);
      if (asked) hello.features = asked;
      return { ok: true, value: hello };
    }
    case 'auth':
      if (typeof v.hmac !== 'string' || !/^[0-9a-f]{64}$/i.test(v.hmac)) return fail('auth.hmac must be 64 hex characters');
      return { ok: true, value: { type: 'auth', hmac: v.hmac } };
    case 'run': {
      if (!isRunId(v.id)) return fail('run.id must be a non-empty string (at most 128 characters) or a non-negative integer');
      if (typeof v.cmd !== 'string') return fail('run.cmd must be a string');
      if (v.timeout !== undefined && (typeof v.timeout !== 'number' || !Number.isFinite(v.timeout) || v.timeout <= 0)) {
        return fail('run.timeout must be a positive number of milliseconds');
      }
      if (v.stdin !== undefined && typeof v.stdin !== 'boolean') return fail('run.stdin must be true or false');
      const run: RunFrame = { type: 'run', id: v.id, cmd: v.cmd };
      if (typeof v.timeout === 'number') run.timeout = v.timeout;
      if (v.stdin === true) run.stdin = true;
      return { ok: true, value: run };
    }
    case 'stdin': {
      if (!isRunId(v.id)) return fail('stdin.id must be a run id');
      if (v.data !== undefined && (typeof v.data !== 'string' || !BASE64.test(v.data))) return fail('stdin.data must be base64');
      if (v.eof !== undefined && v.eof !== true) return fail('stdin.eof must be true when present');
      const frame: StdinFrame = { type: 'stdin', id: v.id };
      if (typeof v.data === 'string') frame.data = v.data;
      if (v.eof === true) frame.eof = true;
      return { ok: true, value: frame };
    }
    case 'cancel':
      if (!isRunId(v.id)) return fail('cancel.id must be a run id');
      return { ok: true, value: { type: 'cancel', id: v.id } };
    case 'bye':
      return { ok: true, value: { type: 'bye' } };
    default:
      return fail(typeof v.type === 'string' ? `unknown frame type "${v.type.slice(0, 40)}"` : 'frame has no "type"');
  }
}

function errorInfo(v: unknown): ErrorInfo | undefined {
  if (isObject(v) && isErrorCode(v.code) && typeof v.message === 'string') return { code: v.code, message: v.message };
  return undefined;
}

/** A done frame, field by field: unknown keys are dropped, known ones of the wrong type refused. */
function parseDone(v: Record<string, unknown>): Parsed<DoneFrame> {
  const { id, exitCode, durationMs, signal, truncated } = v;
  if (!isRunId(id) || (exitCode !== null && typeof exitCode !== 'number') || typeof durationMs !== 'number') return fail('malformed done frame');
  const done: DoneFrame = { type: 'done', id, exitCode, durationMs };
  if (signal !== undefined) {
    if (typeof signal !== 'string') return fail('malformed done.signal');
    done.signal = signal;
  }
  if (truncated !== undefined) {
    if (typeof truncated !== 'boolean') return fail('malformed done.truncated');
    done.truncated = truncated;
  }
  if (v.error !== undefined) {
    const error = errorInfo(v.error);
    if (!error) return fail('malformed done.error');
    done.error = error;
  }
  if (v.data !== undefined) {
    const data = parseRunData(v.data);
    if (typeof data === 'string') return fail(`malformed ${data}`);
    if (data !== undefined) done.data = data; // undefined: a kind this client does not know, a newer server's
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const text = v[stream];
    if (text === undefined) continue;
    if (typeof text !== 'string') return fail(`malformed done.${stream}`);
    done[stream] = text;
  }
  return { ok: true, value: done };
}

/** Parses one line from a server. Never throws. */
export function parseServerMessage(line: string): Parsed<ServerMessage> {
  const v = parseObject(line);
  if (typeof v === 'string') return fail(v);
  switch (v.type) {
    case 'out':
      if (!isRunId(v.id) || (v.stream !== 'stdout' && v.stream !== 'stderr') || typeof v.data !== 'string') return fail('malformed out frame');
      if (v.encoding !== undefined && (v.encoding !== 'base64' || !BASE64.test(v.data))) return fail('malformed out frame (encoding)');
      return { ok: true, value: v.encoding === 'base64' ? { type: 'out', id: v.id, stream: v.stream, data: v.data, encoding: 'base64' } : { type: 'out', id: v.id, stream: v.stream, data: v.data } };
    case 'done':
      return parseDone(v);
    case 'hello': {
      if (typeof v.protocol !== 'number' || typeof v.nonce !== 'string' || (v.auth !== 'none' && v.auth !== 'token')) return fail('malformed hello frame');
      const hello: ServerHello = { type: 'hello', protocol: v.protocol, server: String(v.server ?? ''), hostname: String(v.hostname ?? ''), auth: v.auth, nonce: v.nonce };
      const granted = features(v.features);
      if (granted) hello.features = granted;
      return { ok: true, value: hello };
    }
    case 'ready':
      if (typeof v.session !== 'string' || !Array.isArray(v.commands)) return fail('malformed ready frame');
      return { ok: true, value: { type: 'ready', session: v.session, commands: v.commands.filter((c): c is string => typeof c === 'string') } };
    case 'error':
      if (!isErrorCode(v.code) || typeof v.message !== 'string') return fail('malformed error frame');
      return { ok: true, value: { type: 'error', code: v.code, message: v.message, fatal: v.fatal === true, ...(isRunId(v.id) ? { id: v.id } : {}) } };
    case 'bye':
      if ((v.code !== 'DISCONNECT' && !isErrorCode(v.code)) || typeof v.message !== 'string') return fail('malformed bye frame');
      return { ok: true, value: { type: 'bye', code: v.code, message: v.message } };
    default:
      return fail(typeof v.type === 'string' ? `unknown frame type "${v.type.slice(0, 40)}"` : 'frame has no "type"');
  }
}
