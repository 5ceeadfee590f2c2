/**
 * The commands file checked whole before anything runs, in one streaming
 * pass: its header, every row, where each target's rows lie, and (for a
 * small file) the rows themselves, kept so the file is read only once.
 */
import { ErrorCode } from '../protocol/index.js';
import { type CsvRecord, CsvSyntaxError, isBlankRecord, readCsvBatches } from './csv-records.js';
import { HEADERLESS, type InputRow, type InputSchema, KEEP_CHARS, KEEP_ROWS, type RowRange, type ValidateOptions, type ValidatedInput, detectHeader, parseRecord } from './input.js';
import { ProblemList } from './problems.js';
import { ALL, type Shard, inShard } from './shard.js';
import type { BatchTarget } from './targets.js';

/**
 * Reads the whole file once and reports its problems (the first 20 kept) as
 * `file:line: message`, throwing TcpcmdError(BAD_INPUT) — or USAGE when the
 * only problem is rows without a target. A header problem or a CSV syntax
 * error stops the check there. Rows are kept only for a small file (keepRows).
 */
export async function validateInput(path: string, options: ValidateOptions = {}): Promise<ValidatedInput> {
  const check = new InputCheck(path, options);
  try {
    records: for await (const batch of readCsvBatches(path, { displayName: check.displayName, highWaterMark: options.highWaterMark })) {
      for (const rec of batch) if (!check.record(rec)) break records;
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    check.problem(err.line, err.reason);
  }
  return check.result();
}

/** What the check gathers, record by record. */
class InputCheck {
  readonly displayName: string;
  private readonly problems: ProblemList;
  private readonly knownTargets: ReadonlyMap<string, BatchTarget>;
  private readonly keepRows: number;
  private readonly shard: Shard;
  private schema: InputSchema | undefined;
  private seq = 0;
  private untargeted: RowRange | null = null;
  private readonly targeted = new Map<string, { target: BatchTarget; range: RowRange }>();
  /** Rows without a target and nowhere to run: one problem, with their count. */
  private noTarget: { problem: { message: string } | undefined; rows: number } | undefined;
  private otherProblems = 0;
  private kept: InputRow[] | undefined;
  private keptChars = 0;

  constructor(
    private readonly path: string,
    private readonly options: ValidateOptions,
  ) {
    this.displayName = options.displayName ?? path;
    this.problems = new ProblemList(this.displayName);
    this.knownTargets = options.knownTargets ?? new Map<string, BatchTarget>();
    this.keepRows = options.keepRows ?? KEEP_ROWS;
    this.shard = options.shard ?? ALL;
    if (this.keepRows > 0) this.kept = [];
  }

  problem(line: number, message: string): void {
    this.problems.add(line, message);
    this.otherProblems++;
  }

  /** One record; false when the check stops here (a broken header). */
  record(rec: CsvRecord): boolean {
    if (isBlankRecord(rec.cells)) return true;
    if (this.schema === undefined) {
      const header = detectHeader(rec.cells, this.options.ignoreUnknownColumns);
      if (header.kind === 'header') {
        // A transcript's target cells say where it ran, not where to run: targets on the command line win.
        const columns = header.transcript && this.options.hasDefaultTarget ? header.columns.map((c) => (c === 'target' ? null : c)) : header.columns;
        this.schema = { hasHeader: true, columns, transcript: header.transcript, dataStart: rec.end };
        for (const p of header.problems) this.problem(rec.line, p);
        return header.problems.length === 0; // rows cannot be read against a broken header
      }
      this.schema = { hasHeader: false, columns: HEADERLESS, transcript: false, dataStart: rec.start };
    }
    this.seq++;
    const parsed = parseRecord(rec.cells, this.schema, this.seq, this.knownTargets);
    if (!parsed.ok) {
      this.problem(rec.line, parsed.message);
      return true;
    }
    this.keep(parsed.value);
    this.place(parsed.value, rec);
    return true;
  }

  private keep(row: InputRow): void {
    if (!this.kept) return;
    this.kept.push(row);
    this.keptChars += row.command.length + row.name.length + row.expect.length;
    if (this.kept.length > this.keepRows || this.keptChars > KEEP_CHARS) this.kept = undefined; // a large file: read it again
  }

  /** Where the row's target's rows lie now. */
  private place(row: InputRow, rec: CsvRecord): void {
    const counted = inShard(this.seq, this.shard);
    if (row.target) {
      const entry = this.targeted.get(row.target.key);
      if (entry) extend(entry.range, rec.start, rec.end, this.seq, counted);
      else this.targeted.set(row.target.key, { target: row.target, range: extend(null, rec.start, rec.end, this.seq, counted) });
      return;
    }
    this.untargeted = extend(this.untargeted, rec.start, rec.end, this.seq, counted);
    if (this.options.hasDefaultTarget) return;
    if (this.noTarget === undefined) {
      this.problems.add(rec.line, 'this row has no target: give --target host:port or --targets servers.csv, or fill its target cell');
      this.noTarget = { problem: this.problems.kept.at(-1), rows: 1 };
    } else this.noTarget.rows++;
  }

  /** The checked file, or its problems thrown. */
  result(): ValidatedInput {
    const { noTarget } = this;
    if (noTarget && noTarget.rows > 1 && noTarget.problem) {
      noTarget.problem.message += ` (and ${noTarget.rows - 1} more row${noTarget.rows === 2 ? '' : 's'} without a target)`;
    }
    this.problems.throwIfAny(this.otherProblems === 0 ? ErrorCode.USAGE : ErrorCode.BAD_INPUT);
    return {
      path: this.path,
      displayName: this.displayName,
      schema: this.schema ?? { hasHeader: false, columns: HEADERLESS, transcript: false, dataStart: 0 },
      rows: this.seq,
      untargeted: this.untargeted,
      targeted: this.targeted,
      ...(this.kept ? { kept: this.kept } : {}),
    };
  }
}

function extend(range: RowRange | null | undefined, start: number, end: number, seq: number, counted: boolean): RowRange {
  if (!range) return { rows: counted ? 1 : 0, start, end, firstSeq: seq, lastSeq: seq };
  range.end = end;
  range.lastSeq = seq;
  if (counted) range.rows++;
  return range;
}
