/**
 * The commands file: header detection, one record -> one row, validation of
 * the whole file before anything runs (streaming), and the rows for the
 * runner: kept from the check when the file is small (KEEP_ROWS), else
 * streamed from the file again, so memory stays flat whatever its size.
 */
import { ErrorCode, TcpcmdError, closest, type Parsed } from '../protocol/index.js';
import { type ExpectExit, INPUT_COLUMNS, type InputColumn, isKnownColumn, isTranscriptColumn, mapHeader, normalizeColumnName } from './columns.js';
import { CsvSyntaxError, isBlankRecord, readCellBatches, readCsvBatches } from './csv-records.js';
import { cachedExpect, parseExpectExit, parseTimeout } from './expect.js';
import { ProblemList } from './problems.js';
import { ALL, type Shard, inShard } from './shard.js';
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

const HEADERLESS: (InputColumn | null)[] = ['command'];

/** One data record -> one row, or the first thing wrong with it. */
function parseRecord(
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
  const cell = (name: InputColumn): string => {
    const i = columns.indexOf(name);
    return i === -1 ? '' : (cells[i] ?? '');
  };
  const command = cell('command');
  if (command.trim() === '') return { ok: false, message: 'command is empty' };
  const timeout = parseTimeout(cell('timeout'));
  if (!timeout.ok) return timeout;
  const expect = cell('expect');
  const compiled = cachedExpect(expect);
  if (!compiled.ok) return compiled;
  const expectExit = parseExpectExit(cell('expect_exit'));
  if (!expectExit.ok) return expectExit;
  let target: BatchTarget | null = null;
  const targetCell = cell('target');
  if (targetCell.trim() !== '') {
    const resolved = resolveTargetCell(targetCell, knownTargets);
    if (!resolved.ok) return resolved;
    target = resolved.value;
  }
  return {
    ok: true,
    value: { seq, command, name: cell('name'), target, timeout: timeout.value, expect, expectExit: expectExit.value },
  };
}

function extend(range: RowRange | null | undefined, start: number, end: number, seq: number, counted: boolean): RowRange {
  if (!range) return { rows: counted ? 1 : 0, start, end, firstSeq: seq, lastSeq: seq };
  range.end = end;
  range.lastSeq = seq;
  if (counted) range.rows++;
  return range;
}

/**
 * Reads the whole file once and reports its problems (the first 20 kept) as
 * `file:line: message`, throwing TcpcmdError(BAD_INPUT) — or USAGE when the
 * only problem is rows without a target. A header problem or a CSV syntax
 * error stops the check there. Rows are kept only for a small file (keepRows).
 */
// size-allowance: one pass over the file that checks and keeps rows at once; to split: the per-record bookkeeping into a class.
export async function validateInput(path: string, options: ValidateOptions = {}): Promise<ValidatedInput> {
  const displayName = options.displayName ?? path;
  const knownTargets = options.knownTargets ?? new Map<string, BatchTarget>();
  const shard = options.shard ?? ALL;
  const problems = new ProblemList(displayName);
  let schema: InputSchema | undefined;
  let seq = 0;
  let untargeted: RowRange | null = null;
  const targeted = new Map<string, { target: BatchTarget; range: RowRange }>();
  let noTarget: { problem: { message: string } | undefined; rows: number } | undefined;
  let otherProblems = 0;
  const keepRows = options.keepRows ?? KEEP_ROWS;
  let kept: InputRow[] | undefined = keepRows > 0 ? [] : undefined;
  let keptChars = 0;

  const problem = (line: number, message: string): void => {
    problems.add(line, message);
    otherProblems++;
  };

  try {
    records: for await (const batch of readCsvBatches(path, { displayName, highWaterMark: options.highWaterMark })) {
      for (const rec of batch) {
        if (isBlankRecord(rec.cells)) continue;
        if (schema === undefined) {
          const header = detectHeader(rec.cells, options.ignoreUnknownColumns);
          if (header.kind === 'header') {
            // A transcript's target cells say where it ran, not where to run: targets on the command line win.
            const columns = header.transcript && options.hasDefaultTarget ? header.columns.map((c) => (c === 'target' ? null : c)) : header.columns;
            schema = { hasHeader: true, columns, transcript: header.transcript, dataStart: rec.end };
            for (const p of header.problems) problem(rec.line, p);
            if (header.problems.length > 0) break records; // rows cannot be read against a broken header
            continue;
          }
          schema = { hasHeader: false, columns: HEADERLESS, transcript: false, dataStart: rec.start };
        }
        seq++;
        const parsed = parseRecord(rec.cells, schema, seq, knownTargets);
        if (!parsed.ok) {
          problem(rec.line, parsed.message);
          continue;
        }
        const row = parsed.value;
        if (kept) {
          kept.push(row);
          keptChars += row.command.length + row.name.length + row.expect.length;
          if (kept.length > keepRows || keptChars > KEEP_CHARS) kept = undefined; // a large file: read it again
        }
        const counted = inShard(seq, shard);
        if (row.target) {
          const entry = targeted.get(row.target.key);
          if (entry) extend(entry.range, rec.start, rec.end, seq, counted);
          else targeted.set(row.target.key, { target: row.target, range: extend(null, rec.start, rec.end, seq, counted) });
        } else {
          untargeted = extend(untargeted, rec.start, rec.end, seq, counted);
          if (!options.hasDefaultTarget) {
            if (noTarget === undefined) {
              problems.add(rec.line, 'this row has no target: give --target host:port or --targets servers.csv, or fill its target cell');
              noTarget = { problem: problems.kept.at(-1), rows: 1 };
            } else noTarget.rows++;
          }
        }
      }
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    problem(err.line, err.reason);
  }
  if (noTarget && noTarget.rows > 1 && noTarget.problem) {
    noTarget.problem.message += ` (and ${noTarget.rows - 1} more row${noTarget.rows === 2 ? '' : 's'} without a target)`;
  }
  problems.throwIfAny(otherProblems === 0 ? ErrorCode.USAGE : ErrorCode.BAD_INPUT);
  return {
    path,
    displayName,
    schema: schema ?? { hasHeader: false, columns: HEADERLESS, transcript: false, dataStart: 0 },
    rows: seq,
    untargeted,
    targeted,
    ...(kept ? { kept } : {}),
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
