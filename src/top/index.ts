/**
 * `tcpcmd top`: every server's figures, live on a terminal, as one table
 * (`--once`, or not on a terminal), or as a time series (`--format csv|jsonl`).
 */
import type { BatchTarget } from '../batch/targets.js';
import type { ConnectOptions } from '../client/types.js';
import { Exit } from '../protocol/index.js';
import { Fleet } from './fleet.js';
import type { ServerView } from './poller.js';
import { type SeriesFormat, seriesHead, seriesRows } from './series.js';
import { HISTORY_WIDTH, type Style, renderTable } from './table.js';

export type { ServerView, Sample, Status } from './poller.js';
export { SERIES_COLUMNS, type SeriesFormat } from './series.js';

export interface TopOptions {
  targets: readonly BatchTarget[];
  intervalMs: number;
  timeoutMs: number;
  connect: ConnectOptions;
  /** `table`: one table and exit; `live`: the terminal view; csv/jsonl: a time series. */
  mode: 'live' | 'table' | SeriesFormat;
  /** Rounds of a time series (undefined: until interrupted). */
  count?: number;
  style: Style;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** Stops a time series (Ctrl+C): the round under way is written, then it ends. */
  signal?: AbortSignal;
  connectCommand(view: ServerView): { command: string; args: string[]; env: NodeJS.ProcessEnv };
}

/** Runs top; returns the exit code: 1 when a server was down (or refused us) at the end, else 0. */
export async function runTop(o: TopOptions): Promise<number> {
  const fleet = new Fleet(o.targets, { intervalMs: o.intervalMs, timeoutMs: o.timeoutMs, connect: o.connect, historyLength: HISTORY_WIDTH });
  try {
    if (o.mode === 'live') {
      const { runLive } = await import('./screen.js');
      await runLive({ fleet, intervalMs: o.intervalMs, style: o.style, input: o.input, output: o.output, connectCommand: o.connectCommand });
      return Exit.OK;
    }
    if (o.mode === 'table') {
      await fleet.round();
      await write(o.output, renderTable(fleet.views(), o.style));
      return fleet.anyDown() ? Exit.FAILED : Exit.OK;
    }
    await series(fleet, o, o.mode);
    return fleet.anyDown() ? Exit.FAILED : Exit.OK;
  } finally {
    await fleet.close();
  }
}

/** A round every interval (or at once when one took longer), its rows written when every server has answered or timed out. */
async function series(fleet: Fleet, o: TopOptions, format: SeriesFormat): Promise<void> {
  await write(o.output, seriesHead(format));
  const start = Date.now();
  for (let round = 0; o.count === undefined || round < o.count; round++) {
    if (o.signal?.aborted) return;
    const time = Date.now();
    await fleet.round();
    await write(o.output, seriesRows(format, fleet.views(), time));
    if (o.count !== undefined && round + 1 >= o.count) return;
    const next = start + (round + 1) * o.intervalMs;
    await sleep(Math.max(0, next - Date.now()), o.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === '' || out.write(text)) return Promise.resolve();
  return new Promise((resolve) => out.once('drain', () => resolve()));
}
