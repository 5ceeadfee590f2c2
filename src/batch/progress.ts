/**
 * The progress line on stderr: done / total, ok / failed, rate and ETA,
 * redrawn in place a few times a second. Only on a terminal and never in CI;
 * colour as colorWanted says. Behind a small interface, so a library bar
 * (e.g. cli-progress) can replace it without touching the runner.
 */
import { formatDuration } from './summary.js';

export interface ProgressSnapshot {
  done: number;
  total: number;
  ok: number;
  /** failed + error + timeout + skipped. */
  notOk: number;
}

export interface ProgressReporter {
  /** `read` is called at each redraw: the runner only keeps counters up to date. */
  start(read: () => ProgressSnapshot): void;
  /** Clears the line. */
  stop(): void;
}

export interface TerminalLike {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

/**
 * Whether to draw the progress line on `stream` (stderr): a terminal, not CI,
 * TERM not dumb, and the results (`results`: the stream they go to, null for
 * a file or nowhere) not on a terminal too, where the line would land
 * between the rows. The closing summary is printed either way.
 */
export function progressWanted(stream: TerminalLike, env: NodeJS.ProcessEnv, results: Partial<TerminalLike> | null = null): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return stream.isTTY === true && !ci && env.TERM !== 'dumb' && results?.isTTY !== true;
}

/** FORCE_COLOR values that turn colour on, as Node reads them (any other value turns it off). */
const FORCE_ON = new Set(['', '1', '2', '3', 'true']);

/**
 * Whether to colour what goes to a stream (`terminal`: it is a TTY), for the
 * progress line and the REPL alike. NO_COLOR set and not empty: never
 * (https://no-color.org). Else FORCE_COLOR decides when set, as in Node
 * (`1`, `true`, `''`: colour, even into a pipe; `0`, `false`: none). Else
 * colour on a terminal, unless TERM is dumb.
 */
export function colorWanted(terminal: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return FORCE_ON.has(env.FORCE_COLOR.toLowerCase());
  return terminal && env.TERM !== 'dumb';
}

export const noProgress: ProgressReporter = { start() {}, stop() {} };

/** Renders one status line. */
function renderLine(s: ProgressSnapshot, elapsedMs: number, width: number, color: boolean): string {
  const rate = elapsedMs > 0 ? (s.done * 1000) / elapsedMs : 0;
  const eta = rate > 0 && s.total > s.done ? formatDuration(((s.total - s.done) / rate) * 1000) : '-';
  const paint = (code: number, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const stats =
    ` ${s.done}/${s.total} ${paint(32, `ok ${s.ok}`)} ${s.notOk > 0 ? paint(31, `failed ${s.notOk}`) : `failed ${s.notOk}`}` +
    ` ${Math.round(rate)} rows/s ETA ${eta}`;
  const plainLength = stats.replace(/\x1b\[\d+m/g, '').length; // eslint-disable-line no-control-regex
  const barWidth = Math.max(0, Math.min(30, width - plainLength - 3));
  if (barWidth < 5) return stats.trimStart();
  const filled = s.total > 0 ? Math.round((Math.min(s.done, s.total) / s.total) * barWidth) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${stats}`;
}

export function lineProgress(stream: TerminalLike, options: { color: boolean; intervalMs?: number }): ProgressReporter {
  let timer: NodeJS.Timeout | undefined;
  let read: (() => ProgressSnapshot) | undefined;
  const startedAt = Date.now();
  const draw = (): void => {
    if (!read) return;
    const width = stream.columns ?? 80;
    stream.write(`\r${renderLine(read(), Date.now() - startedAt, width - 1, options.color)}\x1b[K`);
  };
  return {
    start(r) {
      read = r;
      draw();
      timer = setInterval(draw, options.intervalMs ?? 200);
      timer.unref(); // never keeps the process alive
    },
    stop() {
      if (timer) clearInterval(timer);
      if (read) stream.write('\r\x1b[K');
      read = undefined;
    },
  };
}
