import type { Writable } from 'node:stream';
import { BatchedWriter, isoTime } from '../protocol/index.js';

/** What the server reports: one event per line, for people (text) or machines (json). */
export type LogEvent =
  | { event: 'listening'; address: string; tls: boolean; auth: boolean; fingerprint?: string }
  | { event: 'connect'; session: string; peer: string }
  | { event: 'authenticated'; session: string; peer: string }
  | { event: 'disconnect'; session: string; peer: string; reason: string }
  | { event: 'refused'; peer: string; code: string; message: string }
  | { event: 'auth-failed'; session: string; peer: string }
  | { event: 'tls-error'; peer: string; message: string }
  | { event: 'run'; session: string; peer: string; id: string | number; command: string; exitCode: number | null; durationMs: number; error?: string }
  | { event: 'forbidden'; session: string; peer: string; command: string; reason: string }
  | { event: 'protocol-error'; session: string; peer: string; code: string; message: string }
  | { event: 'reset'; sessions: number }
  | { event: 'shutdown'; reason: string }
  | { event: 'notice'; message: string }
  | { event: 'warning'; message: string }
  /** `count` more events of one kind (`what`) from `address` in the last `seconds`, not logged one by one (`*`: other addresses). */
  | { event: 'repeated'; address: string; what: string; count: number; seconds: number };

export interface Logger {
  log(event: LogEvent): void;
  /** Writes out lines still gathered (call before a forced exit). */
  flush?(): void;
}

export type LogFormat = 'text' | 'json';

/**
 * A logger writing one line per event, e.g. to stderr. Lines of one turn of
 * the event loop leave in one write: a busy server logs a line per run, and a
 * write per line (stderr is synchronous) was a fifth of its time.
 */
export function streamLogger(out: Writable, format: LogFormat = 'text'): Logger {
  const writer = new BatchedWriter(out, 'paced');
  const runLine = jsonRunLine();
  // A log that cannot be written (its reader gone: EPIPE; a full disk: ENOSPC) must not take the
  // server down with it: the server goes on serving, and logs nothing more.
  let broken = false;
  out.on('error', () => (broken = true));
  return {
    flush() {
      if (!broken) writer.flush();
    },
    log(event) {
      if (broken) return;
      const time = isoTime(Date.now());
      if (format === 'text') writer.write(`${time} ${formatText(event)}\n`);
      else if (event.event === 'run') writer.write(runLine(time, event));
      // `{"time":…,` then the event's own fields: the same object as spreading it, without the copy.
      // JSON escapes C0 controls itself; C1 codes and line separators are escaped too, as in text lines.
      else writer.write(`{"time":"${time}",${escapeControls(JSON.stringify(event)).slice(1)}\n`);
    },
  };
}

type RunEvent = Extract<LogEvent, { event: 'run' }>;

/**
 * The JSON line of a run, the same text as for any other event, made
 * without walking an object: a busy server logs a line per run, and the
 * generic line was a tenth of a builtin run's time. The fields a session
 * shares by all its runs are made once per session.
 */
function jsonRunLine(): (time: string, e: RunEvent) => string {
  let shared = { session: '', peer: '', text: '' };
  return (time, e) => {
    if (e.session !== shared.session || e.peer !== shared.peer) {
      shared = { session: e.session, peer: e.peer, text: `"event":"run","session":${quoted(e.session)},"peer":${quoted(e.peer)}` };
    }
    const id = typeof e.id === 'number' ? JSON.stringify(e.id) : quoted(e.id);
    const error = e.error === undefined ? '' : `,"error":${quoted(e.error)}`;
    return `{"time":"${time}",${shared.text},"id":${id},"command":${quoted(e.command)},"exitCode":${e.exitCode},"durationMs":${e.durationMs}${error}}\n`;
  };
}

export const silentLogger: Logger = { log() {} };

/** Longest command text put in a log line; the rest is counted, not written. */
export const LOGGED_COMMAND_MAX = 4096;

/** A command as logged: whole up to LOGGED_COMMAND_MAX characters, then cut with a count of what was left out. */
export function loggedCommand(command: string): string {
  if (command.length <= LOGGED_COMMAND_MAX) return command;
  return `${command.slice(0, LOGGED_COMMAND_MAX)}…[${command.length - LOGGED_COMMAND_MAX} more characters]`;
}

/**
 * Text a client chose (a frame type, a command) must not forge log lines or
 * drive the operator's terminal: control characters, C1 codes and Unicode
 * line separators are written as escapes.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function quoted(text: string): string {
  return escapeControls(JSON.stringify(text));
}

function formatText(e: LogEvent): string {
  const line = ((): string => {
    switch (e.event) {
      case 'listening':
        return `listening on ${e.address}${e.tls ? ' (tls)' : ''}${e.auth ? ' (token auth)' : ''}${e.fingerprint ? ` certificate SHA-256 fingerprint ${e.fingerprint}` : ''}`;
      case 'connect':
        return `${e.peer} session ${e.session} connected`;
      case 'authenticated':
        return `${e.peer} session ${e.session} authenticated`;
      case 'disconnect':
        return `${e.peer} session ${e.session} closed: ${e.reason}`;
      case 'refused':
        return `${e.peer} refused ${e.code}: ${e.message}`;
      case 'auth-failed':
        return `${e.peer} session ${e.session} AUTH_FAILED: wrong token proof`;
      case 'tls-error':
        return `${e.peer} TLS_ERROR: ${e.message}`;
      case 'run':
        return `${e.peer} session ${e.session} run ${quoted(e.command)} exit=${e.exitCode ?? '-'} ${e.durationMs}ms${e.error ? ` ${e.error}` : ''}`;
      case 'forbidden':
        return `${e.peer} session ${e.session} FORBIDDEN ${quoted(e.command)}: ${e.reason}`;
      case 'protocol-error':
        return `${e.peer} session ${e.session} ${e.code}: ${e.message}`;
      case 'reset':
        return `reset: closed ${e.sessions} session(s), listener re-opened`;
      case 'shutdown':
        return `shutting down: ${e.reason}`;
      case 'notice':
        return `NOTICE: ${e.message}`;
      case 'warning':
        return `WARNING: ${e.message}`;
      case 'repeated':
        return `${e.address} ${e.what}: ${e.count} more in the last ${e.seconds} s (counted, not logged one by one)`;
    }
  })();
  return escapeControls(line);
}
