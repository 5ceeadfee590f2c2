/**
 * How the REPL looks: colours (when `colorWanted` says so) and the short
 * line after a run that did not go well, in the style of the server's plain
 * text mode (`[exit 3]`, `[error CODE] message`) plus the duration.
 */
import type { RunResult } from '../client/index.js';
import { formatDuration } from './batch-api.js';

export interface Painter {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string): string => `\x1b[${open}m${text}\x1b[${close}m`;

const colors: Painter = { red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
const plain: Painter = { red: (t) => t, yellow: (t) => t, green: (t) => t, dim: (t) => t, bold: (t) => t };

export function painter(color: boolean): Painter {
  return color ? colors : plain;
}

/**
 * The line after a run, or undefined for a plain success (as quiet as
 * redis-cli). `showSlow`: also time a success that took a second or more.
 * `command`: named after the bracket (`[exit 1, 15ms] linux:false`), so that a
 * log of many commands (no terminal) says which one it was.
 */
export function statusLine(result: RunResult, paint: Painter, showSlow = false, command?: string): string | undefined {
  // The common case first, with nothing made for it: a plain, quick success.
  if (result.exitCode === 0 && !result.cancelled && !result.error && !result.truncated && !(showSlow && result.durationMs >= 1_000)) return undefined;
  const took = formatDuration(result.durationMs);
  const notes = result.truncated ? ' (output truncated at the server\'s cap)' : '';
  const line = (color: (text: string) => string, bracket: string, message = '', note = notes): string => {
    const text = [command, message].filter((part) => part !== undefined && part !== '').join(': ');
    return color(`[${bracket}]${text === '' ? '' : ` ${text}`}${note}`);
  };
  if (result.cancelled) return line(paint.yellow, `cancelled, ${took}`, '', '');
  if (result.error) return line(paint.red, `error ${result.error.code}, ${took}`, result.error.message);
  if (result.exitCode === null) return line(paint.red, `${result.signal ? `killed by ${result.signal}` : 'no exit code'}, ${took}`);
  if (result.exitCode !== 0) return line(paint.red, `exit ${result.exitCode}, ${took}`);
  if (notes) return line(paint.yellow, took);
  return line(paint.dim, took); // a slow success (showSlow): the first line let every other success go
}

/** A failure of our own (not connected, bad meta command, ...): one line, what happened and what to do. */
export function problemLine(message: string, paint: Painter): string {
  return paint.red(`[error] ${message}`);
}
