/**
 * What `tcpcmd run` is asked (BatchOptions, from the CLI, the REPL's `.load`
 * and the web page's uploads), checked and settled into the settings a batch
 * runs with, before anything is read or run.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { ConnectOptions } from '../client/types.js';
import { ErrorCode, TcpcmdError, positiveMs } from '../protocol/index.js';
import type { OutputRow } from './columns.js';
import type { BatchConnect } from './connection.js';
import type { ProgressReporter } from './progress.js';
import { ALL, type Shard, parseShard } from './shard.js';
import { DEFAULT_WINDOW } from './window.js';
import { type OutputFormat, RESUMABLE_FORMATS, parseFormat } from './writers/index.js';

export interface BatchOptions {
  /** The commands file, or `-` for stdin. */
  input: string;
  /** Read when `input` is `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** `--target host[:port]`: where rows without a target cell run. */
  target?: string;
  /** `--targets servers.csv`: every row without a target cell runs on each. */
  targets?: string;
  /** `--out F`; results go to `stdout` without it. */
  out?: string;
  /** csv (default), jsonl, json, junit; without it, taken from the --out/--resume extension (.jsonl, .json, .xml). */
  format?: string;
  /** Sessions open at once (default 4). */
  concurrency?: number;
  /** Spread one target's rows over several sessions (file order per target is lost). */
  unordered?: boolean;
  /** Per-run timeout in ms for rows without a timeout cell. */
  timeout?: number;
  failFast?: boolean;
  /** `--resume F`: continue a killed batch in F (csv or jsonl); it is also the output. */
  resume?: string;
  /** `--shard i/n`. */
  shard?: string | Shard;
  ignoreUnknownColumns?: boolean;
  /** Runs in flight per session (default 256). */
  window?: number;
  /** Command characters in flight per session (default 512 Ki, under the server's 1 MiB queue limit). */
  windowChars?: number;
  /** A file of up to this many rows is read once, its rows kept from the check (default 50,000); 0 reads every file again. */
  keepRows?: number;
  /** The client library's connect (injected: keeps batch testable and the import one-way). */
  connect: BatchConnect;
  /** TLS, connect timeout, client name, token (a servers.csv token_env wins). */
  connectOptions?: ConnectOptions;
  /** Interrupt (e.g. SIGINT): runs in flight are cancelled, the output is closed properly, exit code 130. */
  signal?: AbortSignal;
  /**
   * Where results go without `out` (default process.stdout); null: nowhere,
   * the rows reach `onRow` only. When its reader goes away (EPIPE, as in
   * `tcpcmd run … | head -1`) the batch stops quietly: see BatchSummary.readerGone.
   */
  stdout?: Writable | null;
  /** Called with each row as it is written (in the order written), e.g. to show or keep it. */
  onRow?: (row: OutputRow) => void;
  /** Hints, progress and the summary (default process.stderr). */
  stderr?: Writable & { isTTY?: boolean; columns?: number };
  /**
   * 'auto' (default): a progress line when stderr is a terminal, not in CI, and the results do not go to a terminal's stdout.
   * A reporter of your own is started with the runner's counters (the web page's progress bar).
   */
  progress?: boolean | 'auto' | ProgressReporter;
  /** The input's name in messages (`name:line: ...`), when `input` is a copy (an upload). Default: `input`. */
  inputName?: string;
  /** Print the closing summary to stderr (default true). */
  printSummary?: boolean;
  /** For token_env, CI, NO_COLOR (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CONCURRENCY = 4;
export { DEFAULT_WINDOW };

export function usage(message: string): TcpcmdError {
  return new TcpcmdError(ErrorCode.USAGE, message);
}

function positiveInt(value: number | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw usage(`${name} must be a whole number from 1 to ${max}, got ${value}`);
  return value;
}

function formatFromPath(path: string | undefined): OutputFormat {
  const p = (path ?? '').toLowerCase();
  if (p.endsWith('.jsonl') || p.endsWith('.ndjson')) return 'jsonl';
  if (p.endsWith('.json')) return 'json';
  if (p.endsWith('.xml')) return 'junit';
  return 'csv';
}

export function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b); // links, ./ and ../
  } catch {
    return false; // one does not exist yet
  }
}

export interface Settings {
  format: OutputFormat;
  concurrency: number;
  window: number;
  timeout: number | null;
  shard: Shard;
  out: string | undefined;
}

export function settle(options: BatchOptions): Settings {
  if (options.target !== undefined && options.targets !== undefined) throw usage('give --target or --targets, not both');
  if (options.resume !== undefined && options.out !== undefined && options.out !== options.resume && !samePath(options.out, options.resume)) {
    throw usage('--resume F writes to F: leave out --out, or give the same file');
  }
  const out = options.resume ?? options.out;
  const format = options.format !== undefined ? parseFormat(options.format) : formatFromPath(out);
  if (options.resume !== undefined && !RESUMABLE_FORMATS.includes(format)) {
    throw usage(`--resume works with --format ${RESUMABLE_FORMATS.join(' or ')} (a ${format} file is only complete at the end)`);
  }
  const timeout = options.timeout === undefined ? null : positiveMs(options.timeout, '--timeout');
  const shard = options.shard === undefined ? ALL : typeof options.shard === 'string' ? parseShard(options.shard) : parseShard(`${options.shard.index}/${options.shard.count}`);
  return {
    format,
    concurrency: positiveInt(options.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1024),
    window: positiveInt(options.window, 'window', DEFAULT_WINDOW, 65_536),
    timeout,
    shard,
    out,
  };
}
