import type { RunData } from '../protocol/index.js';

/**
 * The column vocabulary of `tcpcmd run`: what an input file may name, and what
 * a transcript (results file) holds. Input and output share names so that a
 * results file is itself a valid input (replay).
 */

/** Columns that say what to run and what to expect. */
export const INPUT_COLUMNS = ['command', 'target', 'timeout', 'expect', 'expect_exit', 'name'] as const;
export type InputColumn = (typeof INPUT_COLUMNS)[number];

/** The transcript's columns, in the order they are written. */
export const OUTPUT_COLUMNS = [
  'seq',
  'name',
  'target',
  'command',
  'timeout',
  'expect',
  'expect_exit',
  'status',
  'exit_code',
  'duration_ms',
  'started_at',
  'stdout',
  'stderr',
  'output_encoding',
  'error',
  'data',
] as const;
export type OutputColumn = (typeof OUTPUT_COLUMNS)[number];

const knownSet = new Set<string>([...INPUT_COLUMNS, ...OUTPUT_COLUMNS]);

/** The transcript's own columns (`status`, `stdout`, ...): a header naming one is a results file. */
const TRANSCRIPT_ONLY = new Set<string>(OUTPUT_COLUMNS.filter((c) => !(INPUT_COLUMNS as readonly string[]).includes(c)));

/** Whether a (normalized) header name is one of the transcript's own columns. */
export function isTranscriptColumn(name: string): boolean {
  return TRANSCRIPT_ONLY.has(name);
}

/** Header cells compare trimmed and case-insensitively. */
export function normalizeColumnName(cell: string): string {
  return cell.trim().toLowerCase();
}

/** Known = an input column or a transcript column (which the input ignores). */
export function isKnownColumn(name: string): boolean {
  return knownSet.has(name);
}

/** How a header row is read: its vocabulary and how problems are worded (each file says it its own way). */
export interface HeaderRules<C extends string> {
  /** The columns a header cell may name. */
  columns: readonly C[];
  /** Other names that are fine: their cells are ignored. Default: none. */
  accept?: (name: string) => boolean;
  /** The problem with a name that is neither. */
  unknown: (name: string) => string;
  /** The problem with a name given twice. */
  twice: (name: string) => string;
}

/**
 * Maps the (normalized) names of a header row to columns, the one reading of
 * every CSV header (commands files, servers.csv): the column each cell
 * position holds (null for an ignored one) and the problems, in cell order.
 */
export function mapHeader<C extends string>(names: readonly string[], rules: HeaderRules<C>): { columns: (C | null)[]; problems: string[] } {
  const columns: (C | null)[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const column = (rules.columns as readonly string[]).includes(name) ? (name as C) : null;
    columns.push(column);
    if (column === null && !rules.accept?.(name)) problems.push(rules.unknown(name));
    else if (name !== '' && seen.has(name)) problems.push(rules.twice(name));
    seen.add(name);
  }
  return { columns, problems };
}

export const STATUSES = ['ok', 'failed', 'error', 'timeout', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** `expect_exit`: a number, or `any` when only the output matters. */
export type ExpectExit = number | 'any';

export type OutputEncoding = '' | 'base64';

/** One finished (or skipped) run: one line of the transcript. */
export interface OutputRow {
  /** The data row number in the input (1-based; header and blank lines do not count). */
  seq: number;
  name: string;
  /** host:port the run went to. */
  target: string;
  command: string;
  /** The timeout the run was given (ms), or null for the server's default. */
  timeout: number | null;
  /** The regex source, '' for none. */
  expect: string;
  expect_exit: ExpectExit;
  status: Status;
  exit_code: number | null;
  duration_ms: number;
  /** ISO 8601 UTC. */
  started_at: string;
  stdout: string;
  stderr: string;
  /**
   * '' when stdout and stderr are the output as text; `base64` when the
   * output was not all UTF-8: then both cells hold the base64 of its exact bytes.
   */
  output_encoding: OutputEncoding;
  /** `CODE: message`, or '' when the run completed. */
  error: string;
  /** A supervision builtin's figures (docs/protocol.md), null for other commands. */
  data: RunData | null;
}

/** The keys a replacer array keeps, in column order; `data` is left out since such an array would also filter the keys inside it. */
const FLAT_KEYS: string[] = OUTPUT_COLUMNS.filter((c) => c !== 'data');

/** The row as one JSON object, keys in OUTPUT_COLUMNS order (`data` last). */
export function outputRowJson(row: OutputRow): string {
  const flat = JSON.stringify(row, FLAT_KEYS);
  return `${flat.slice(0, -1)},"data":${JSON.stringify(row.data)}}`;
}

/** The row as the cells of a CSV record, in OUTPUT_COLUMNS order. */
export function outputRowCells(row: OutputRow): string[] {
  return [
    String(row.seq),
    row.name,
    row.target,
    row.command,
    row.timeout === null ? '' : String(row.timeout),
    row.expect,
    String(row.expect_exit),
    row.status,
    row.exit_code === null ? '' : String(row.exit_code),
    String(row.duration_ms),
    row.started_at,
    row.stdout,
    row.stderr,
    row.output_encoding,
    row.error,
    row.data === null ? '' : JSON.stringify(row.data),
  ];
}
