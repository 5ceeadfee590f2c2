import type { Writable } from 'node:stream';

/** What the server reports: one event per line, for people (text) or machines (json). */
export type LogEvent =
  | { event: 'listening'; address: string; tls: boolean; auth: boolean }
  | { event: 'connect'; session: string; peer: string }
  | { event: 'disconnect'; session: string; peer: string; reason: string }
  | { event: 'refused'; peer: string; code: string; message: string }
  | { event: 'auth-failed'; session: string; peer: string }
  | { event: 'run'; session: string; peer: string; id: string | number; command: string; exitCode: number | null; durationMs: number; error?: string }
  | { event: 'forbidden'; session: string; peer: string; command: string; reason: string }
  | { event: 'protocol-error'; session: string; peer: string; code: string; message: string }
  | { event: 'reset'; sessions: number }
  | { event: 'shutdown'; reason: string }
  | { event: 'warning'; message: string };

export interface Logger {
  log(event: LogEvent): void;
}

export type LogFormat = 'text' | 'json';

/** A logger writing one line per event, e.g. to stderr. */
export function streamLogger(out: Writable, format: LogFormat = 'text'): Logger {
  return {
    log(event) {
      const time = new Date().toISOString();
      out.write(format === 'json' ? JSON.stringify({ time, ...event }) + '\n' : `${time} ${formatText(event)}\n`);
    },
  };
}

export const silentLogger: Logger = { log() {} };

function formatText(e: LogEvent): string {
  switch (e.event) {
    case 'listening':
      return `listening on ${e.address}${e.tls ? ' (tls)' : ''}${e.auth ? ' (token auth)' : ''}`;
    case 'connect':
      return `${e.peer} session ${e.session} connected`;
    case 'disconnect':
      return `${e.peer} session ${e.session} closed: ${e.reason}`;
    case 'refused':
      return `${e.peer} refused ${e.code}: ${e.message}`;
    case 'auth-failed':
      return `${e.peer} session ${e.session} AUTH_FAILED`;
    case 'run':
      return `${e.peer} session ${e.session} run ${JSON.stringify(e.command)} exit=${e.exitCode ?? '-'} ${e.durationMs}ms${e.error ? ` ${e.error}` : ''}`;
    case 'forbidden':
      return `${e.peer} session ${e.session} FORBIDDEN ${JSON.stringify(e.command)}: ${e.reason}`;
    case 'protocol-error':
      return `${e.peer} session ${e.session} ${e.code}: ${e.message}`;
    case 'reset':
      return `reset: closed ${e.sessions} session(s), listener re-opened`;
    case 'shutdown':
      return `shutting down: ${e.reason}`;
    case 'warning':
      return `WARNING: ${e.message}`;
  }
}
