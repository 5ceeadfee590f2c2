/**
 * The commands file: header detection, one record -> one row, and the rows
 * for the runner (its check before anything runs is input-check.ts): kept from the check when the file is small (KEEP_ROWS), else
 * streamed from the file again, so memory stays flat whatever its size.
 */
import { ErrorCode, TcpcmdError, closest, type Parsed } from '../protocol/index.js';
import { type ExpectExit, INPUT_COLUMNS, type InputColumn, isKnownColumn, isTranscriptColumn, mapHeader, normalizeColumnName } from './columns.js';
import { isBlankRecord, readCellBatches } from './csv-records.js';
import { cachedExpect, parseExpectExit, parseTimeout } from './expect.js';
import type { Shard } from './shard.js';
import { type BatchTarget, resolveTargetCell } from './targets.js';

export interface InputRow {
  /** Data row number: 1 for the first row after the header; blank lines do not count. */
  seq: number;
  command: string;
  name: string;
  /** The row's own target, or null to run on the default targets. */
  target: BatchTarget | null;
  /** ms, or null for no per-row timeout. */
  timeout: number | null;
  expect: string;
  expectExit: ExpectExit;
}

export interface InputSchema {
  hasHeader: boolean;
  /**
   * The input column each cell position holds; null for ignored ones
   * (transcript columns, and a transcript's `target` when the command line names targets).
   */
  columns: (InputColumn | null)[];
  /** The header has the transcript's own columns (`status`, ...): a results file being replayed. */
  transcript: boolean;
  /** Byte offset of the first data record (after the header). */
  dataStart: number;
}

/** Where a group of rows lies in the file, so a reader can skip what is not its own. */
export interface RowRange {
  /** Rows in the group that are in the shard. */
  rows: number;
  /** Byte offsets of the group's first record start and last record end. */
  start: number;
  end: number;
  /** seq of the first data record at or after `start`, and of the last before `end`. */
  firstSeq: number;
  lastSeq: number;
}

/** Files up to this many rows (and KEEP_CHARS of text) are read once: their rows are kept from the check. */
export const KEEP_ROWS = 50_000;
export const KEEP_CHARS = 8 * 1024 * 1024;

export interface ValidatedInput {
  path: string;
  displayName: string;
  schema: InputSchema;
  /** Data rows in the file (the largest seq). */
  rows: number;
  /** Rows without a target cell; they run on every default target. */
  untargeted: RowRange | null;
  /** Rows with a target cell, by target key. */
  targeted: Map<string, { target: BatchTarget; range: RowRange }>;
  /** Every row, by seq (row `seq` at `seq - 1`), when the file is small enough to keep; else it is read again. */
  kept?: readonly InputRow[];
}

export interface ValidateOptions {
  displayName?: string;
  ignoreUnknownColumns?: boolean;
  /** Targets by key and name (from --targets / --target), for target cells. */
  knownTargets?: ReadonlyMap<string, BatchTarget>;
  /** Whether rows without a target cell have somewhere to go (--target/--targets); a transcript's target cells are then ignored. */
  hasDefaultTarget?: boolean;
  shard?: Shard;
  /** Test hook: read chunk size. */
  highWaterMark?: number;
  /** Keep the rows of files up to this many rows (default KEEP_ROWS; 0 reads every file again). */
  keepRows?: number;
}

type HeaderVerdict =
  | { kind: 'header'; columns: (InputColumn | null)[]; problems: string[]; transcript: boolean }
  | { kind: 'none' };

/**
 * The first record is a header when it names `command`, or when there are
 * several cells, each a known column or close to one (`comand,expect`: the
 * misspelt column is named, with what it may mean). A single known word that is not `command` (`name` is also the
 * server's alias of `hostname`) is a command, not a header.
 */
export function detectHeader(cells: readonly string[], ignoreUnknownColumns = false): HeaderVerdict {
  const names = cells.map(normalizeColumnName);
  const hasCommand = names.includes('command');
  const knownOrClose = (n: string): boolean => isKnownColumn(n) || closest(n, INPUT_COLUMNS) !== undefined;
  if (!hasCommand && !(names.length > 1 && names.every(knownOrClose))) return { kind: 'none' };
  const { columns, problems } = mapHeader(names, {
    columns: INPUT_COLUMNS,
    // Transcript columns are known (a results file replays as it is) and ignored.
    accept: (n) => ignoreUnknownColumns || isKnownColumn(n),
    unknown: (n) =>
      n === '' ? 'the header has an empty column name' : unknownColumn(n),
    twice: (n) => `column "${n}" appears twice in the header`,
  });
  if (!hasCommand) problems.push(`the header has no "command" column (it names ${names.join(', ')})`);
  return { kind: 'header', columns, problems, transcript: names.some(isTranscriptColumn) };
}

function unknownColumn(name: string): string {
  const like = closest(name, INPUT_COLUMNS);
  return `unknown column "${name}"${like ? ` (did you mean "${like}"?)` : ''} (known: ${INPUT_COLUMNS.join(', ')}; --ignore-unknown-columns skips it)`;
}

export const HEADERLESS: (InputColumn | null)[] = ['command'];

/** Where each input column is in a record (-1: not in the file), for the columns of the file being read. */
type Positions = Record<InputColumn, number>;
let lastColumns: readonly (InputColumn | null)[] | undefined;
let lastPositions: Positions | undefined;

function positionsOf(columns: readonly (InputColumn | null)[]): Positions {
  if (columns !== lastColumns || lastPositions === undefined) {
    lastColumns = columns;
    lastPositions = Object.fromEntries(INPUT_COLUMNS.map((name) => [name, columns.indexOf(name)])) as Positions;
  }
  return lastPositions;
}

/** One data record -> one row, or the first thing wrong with it. */
export function parseRecord(
  cells: readonly string[],
  schema: Pick<InputSchema, 'hasHeader' | 'columns'>,
  seq: number,
  knownTargets: ReadonlyMap<string, BatchTarget> = new Map(),
): Parsed<InputRow> {
  const { columns } = schema;
  if (cells.length > columns.length && cells.slice(columns.length).some((c) => c !== '')) {
    return {
      ok: false,
      message: schema.hasHeader
        ? `this row has ${cells.length} cells, but the header names ${columns.length} columns`
        : `this row has ${cells.length} cells, but the file has no header, so each row is one command: ` +
          'quote a command that contains commas ("echo a,b"), or add a header row such as command,target,expect',
    };
  }
  // Every row of a file is read against the same columns: their places are found once (this runs per row).
  const at = positionsOf(columns);
  const cell = (i: number): string => (i === -1 ? '' : (cells[i] ?? ''));
  const command = cell(at.command);
  if (command.trim() === '') return { ok: false, message: 'command is empty' };
  const timeout = parseTimeout(cell(at.timeout));
  if (!timeout.ok) return timeout;
  const expect = cell(at.expect);
  const compiled = cachedExpect(expect);
  if (!compiled.ok) return compiled;
  const expectExit = parseExpectExit(cell(at.expect_exit));
  if (!expectExit.ok) return expectExit;
  let target: BatchTarget | null = null;
  const targetCell = cell(at.target);
  if (targetCell.trim() !== '') {
    const resolved = resolveTargetCell(targetCell, knownTargets);
    if (!resolved.ok) return resolved;
    target = resolved.value;
  }
  return {
    ok: true,
    value: { seq, command, name: cell(at.name), target, timeout: timeout.value, expect, expectExit: expectExit.value },
  };
}


/**
 * The rows of a validated file from `range.start` to `range.end` (the whole
 * data part by default), in file order, a chunk's worth at a time: the rows
 * kept from the check, or streamed from the file again.
 */
export async function* readRowBatches(
  input: ValidatedInput,
  knownTargets: ReadonlyMap<string, BatchTarget>,
  range?: Pick<RowRange, 'start' | 'end' | 'firstSeq' | 'lastSeq'>,
): AsyncGenerator<InputRow[]> {
  if (input.kept) {
    const rows = input.kept.slice((range?.firstSeq ?? 1) - 1, range?.lastSeq ?? input.kept.length);
    if (rows.length > 0) yield rows;
    return;
  }
  let seq = (range?.firstSeq ?? 1) - 1;
  const start = range?.start ?? input.schema.dataStart;
  for await (const batch of readCellBatches(input.path, { displayName: input.displayName, start, end: range?.end })) {
    const rows: InputRow[] = [];
    for (const cells of batch) {
      if (isBlankRecord(cells)) continue;
      seq++;
      const parsed = parseRecord(cells, input.schema, seq, knownTargets);
      if (!parsed.ok) {
        // Only if the file changed since it was validated.
        throw new TcpcmdError(ErrorCode.BAD_INPUT, `${input.displayName}: changed while running (row ${seq}: ${parsed.message})`);
      }
      rows.push(parsed.value);
    }
    if (rows.length > 0) yield rows;
  }
}
