/**
 * Where runs go: `--target host:port`, `--targets servers.csv` (columns host,
 * port, name, token_env), and a row's own `target` cell, which may name a
 * servers.csv entry or be an address of its own.
 */
import {
  type Address,
  DEFAULT_PORT,
  ErrorCode,
  TcpcmdError,
  formatAddress,
  isTcpcmdError,
  parseAddress,
  parseHostPort,
  parsePort,
  type Parsed,
  errorMessage,
} from '../protocol/index.js';
import { mapHeader, normalizeColumnName } from './columns.js';
import { CsvSyntaxError, isBlankRecord, readCsvRecords } from './csv-records.js';
import { ProblemList } from './problems.js';
import { targetLabel } from './target-label.js';

export interface BatchTarget {
  /** host:port: the transcript's `target` cell and the key runs are grouped by. */
  key: string;
  address: Address;
  /** servers.csv's name, else the key. */
  name: string;
  /** From the variable servers.csv's token_env names; otherwise the client's default (TCPCMD_TOKEN). */
  token?: string;
}

const TARGET_COLUMNS = ['host', 'port', 'name', 'token_env'] as const;
type TargetColumn = (typeof TARGET_COLUMNS)[number];

function toTarget(address: Address, name?: string, token?: string): BatchTarget {
  const key = formatAddress(address);
  const target: BatchTarget = { key, address, name: name === undefined || name === '' ? key : name };
  if (token !== undefined) target.token = token;
  return target;
}

export { targetLabel };

/**
 * An error about a server, as one line: `web-b (10.0.0.5:10000): AUTH_REQUIRED the server needs a token`.
 * The address the client's own message may start with is not repeated.
 */
export function targetError(t: Pick<BatchTarget, 'name' | 'key'>, code: string, message: string): string {
  const own = message.startsWith(`${t.key}: `) ? message.slice(t.key.length + 2) : message.startsWith(`${t.key} `) ? message.slice(t.key.length + 1) : message;
  return `${targetLabel(t)}: ${code} ${own}`;
}

/** `--target host[:port]` (port 10000 by default). */
export function parseTargetOption(text: string): BatchTarget {
  try {
    return toTarget(parseAddress(text));
  } catch (err) {
    if (isTcpcmdError(err)) throw new TcpcmdError(ErrorCode.USAGE, `--target: ${err.message}`);
    throw err;
  }
}

/** Several targets on the command line: `host[:port],host[:port],...` (exec's fan-out, wait). */
export function parseTargetList(text: string, flag = 'target'): BatchTarget[] {
  const targets: BatchTarget[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    if (part.trim() === '') throw new TcpcmdError(ErrorCode.USAGE, `${flag} "${text}": an empty entry in the list (write host[:port],host[:port])`);
    let target: BatchTarget;
    try {
      target = toTarget(parseAddress(part.trim()));
    } catch (err) {
      if (isTcpcmdError(err)) throw new TcpcmdError(ErrorCode.USAGE, `${flag}: ${err.message}`);
      throw err;
    }
    if (!seen.has(target.key)) targets.push(target);
    seen.add(target.key);
  }
  return targets;
}

/** A row's `target` cell: a servers.csv name, else host[:port]. Returns the target's key. */
export function resolveTargetCell(cell: string, known: ReadonlyMap<string, BatchTarget>): Parsed<BatchTarget> {
  const text = cell.trim();
  const byName = known.get(text);
  if (byName) return { ok: true, value: byName };
  try {
    const target = toTarget(parseAddress(text));
    return { ok: true, value: known.get(target.key) ?? target };
  } catch (err) {
    return { ok: false, message: `target "${text}": ${errorMessage(err)}` };
  }
}

/** Targets by key and by name, for resolveTargetCell. */
export function indexTargets(targets: readonly BatchTarget[]): Map<string, BatchTarget> {
  const map = new Map<string, BatchTarget>();
  for (const t of targets) map.set(t.key, t);
  for (const t of targets) if (!map.has(t.name)) map.set(t.name, t);
  return map;
}

/**
 * Reads servers.csv: a header naming host, port, name, token_env (any order,
 * only host required), or no header and cells in that order. `host` may carry
 * the port (`10.0.0.5:10001`) when the port cell is empty.
 */
export async function loadTargets(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  displayName = path,
): Promise<BatchTarget[]> {
  const problems = new ProblemList(displayName);
  const targets: BatchTarget[] = [];
  const seenKey = new Map<string, number>();
  const seenName = new Map<string, number>();
  let columns: (TargetColumn | null)[] | undefined;
  try {
    for await (const rec of readCsvRecords(path, { displayName })) {
      if (isBlankRecord(rec.cells)) continue;
      if (columns === undefined) {
        const names = rec.cells.map(normalizeColumnName);
        if (names.includes('host')) {
          const header = mapHeader(names, {
            columns: TARGET_COLUMNS,
            unknown: (n) => `unknown column "${n}" (known: ${TARGET_COLUMNS.join(', ')})`,
            twice: (n) => `column "${n}" appears twice`,
          });
          columns = header.columns;
          for (const p of header.problems) problems.add(rec.line, p);
          continue;
        }
        columns = [...TARGET_COLUMNS];
      }
      if (rec.cells.length > columns.length) {
        problems.add(rec.line, `this row has ${rec.cells.length} cells, but there are only ${columns.length} columns (${columns.filter((c) => c !== null).join(', ')})`);
        continue;
      }
      const cell = (name: TargetColumn): string => {
        const i = columns?.indexOf(name) ?? -1;
        return i === -1 ? '' : (rec.cells[i] ?? '').trim();
      };
      const parsed = parseTargetRow(cell('host'), cell('port'), cell('name'), cell('token_env'), env);
      if (!parsed.ok) {
        problems.add(rec.line, parsed.message);
        continue;
      }
      const t = parsed.value;
      const dupKey = seenKey.get(t.key);
      const dupName = seenName.get(t.name);
      if (dupKey !== undefined) problems.add(rec.line, `target ${t.key} is listed twice (first on line ${dupKey})`);
      else if (dupName !== undefined) problems.add(rec.line, `name "${t.name}" is used twice (first on line ${dupName})`);
      else {
        seenKey.set(t.key, rec.line);
        seenName.set(t.name, rec.line);
        targets.push(t);
      }
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    problems.add(err.line, err.reason);
  }
  problems.throwIfAny(ErrorCode.BAD_INPUT);
  if (targets.length === 0) throw new TcpcmdError(ErrorCode.BAD_INPUT, `${displayName}: no targets in the file (expected rows of host,port,name,token_env)`);
  return targets;
}

function parseTargetRow(host: string, port: string, name: string, tokenEnv: string, env: NodeJS.ProcessEnv): Parsed<BatchTarget> {
  if (host === '') return { ok: false, message: 'host is empty' };
  let address: Address;
  try {
    const given = parseHostPort(host);
    if (port === '') address = { host: given.host, port: given.port ?? DEFAULT_PORT };
    else if (given.port !== null) return { ok: false, message: `host "${host}" has a port and the port column is set too: keep one` };
    else address = { host: given.host, port: parsePort(port) };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
  let token: string | undefined;
  if (tokenEnv !== '') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) return { ok: false, message: `token_env "${tokenEnv}" is not an environment variable name` };
    token = env[tokenEnv];
    if (token === undefined || token === '') return { ok: false, message: `token_env names ${tokenEnv}, which is not set in the environment` };
  }
  return { ok: true, value: toTarget(address, name, token) };
}
