/**
 * Expectations: parsing the `timeout`, `expect` and `expect_exit` cells, and
 * judging a run's result against them (ok / failed / error / timeout / skipped).
 */
import { ErrorCode, MAX_TIMER_MS, errorMessage, isTcpcmdError, parseDuration, type Parsed } from '../protocol/index.js';
import type { RunResult } from '../client/types.js';
import type { ExpectExit, OutputRow, Status } from './columns.js';

const NO_TIMEOUT: Parsed<number | null> = Object.freeze({ ok: true, value: null });
const EXIT_ZERO: Parsed<ExpectExit> = Object.freeze({ ok: true, value: 0 });
const NO_PATTERN: Parsed<RegExp | null> = Object.freeze({ ok: true, value: null });

/** `5000`, `500ms`, `1.5s`, `2m` -> milliseconds; '' -> null (the server's default). */
export function parseTimeout(text: string): Parsed<number | null> {
  if (text === '') return NO_TIMEOUT; // most rows: checked per row, so no object made for it
  const t = text.trim();
  if (t === '') return NO_TIMEOUT;
  const ms = parseDuration(t);
  if (ms === undefined) {
    return {
      ok: false,
      message: `timeout "${t}" is not a duration: use milliseconds (5000) or a unit (500ms, 1.5s, 2m), from 1ms to ${MAX_TIMER_MS}ms`,
    };
  }
  return { ok: true, value: ms };
}

/** '' -> 0 (the default), a whole number, or `any`. */
export function parseExpectExit(text: string): Parsed<ExpectExit> {
  if (text === '') return EXIT_ZERO;
  const t = text.trim();
  if (t === '') return EXIT_ZERO;
  if (t.toLowerCase() === 'any') return { ok: true, value: 'any' };
  if (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return { ok: true, value: Number(t) };
  return { ok: false, message: `expect_exit "${t}" must be a whole number (e.g. 0) or "any"` };
}

/**
 * Compiles an `expect` cell. JavaScript regex syntax, searched like grep: `^`
 * and `$` match at each line's start and end (the `m` flag is always on, so
 * `^ok$` matches the output "ok\n"). A leading `(?i)` (ignore case), `(?s)`
 * (`.` matches line breaks) or both, `(?is)`, sets flags: JavaScript has no
 * inline flags, and `/.../i` would be ambiguous with paths such as `/usr/i`.
 */
export function compileExpect(source: string): Parsed<RegExp | null> {
  if (source === '') return { ok: true, value: null };
  const flagged = /^\(\?([is]+)\)/.exec(source);
  const flags = [...new Set(`m${flagged?.[1] ?? ''}`)].join('');
  const body = flagged ? source.slice(flagged[0].length) : source;
  try {
    return { ok: true, value: new RegExp(body, flags) };
  } catch (err) {
    return { ok: false, message: `expect ${JSON.stringify(source)} is not a valid regular expression: ${errorMessage(err)}` };
  }
}

/** Most batches reuse a handful of patterns; compile (and validate) each once. */
const cache = new Map<string, Parsed<RegExp | null>>();
const CACHE_SIZE = 256;

export function cachedExpect(source: string): Parsed<RegExp | null> {
  if (source === '') return NO_PATTERN;
  let parsed = cache.get(source);
  if (parsed === undefined) {
    parsed = compileExpect(source);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(source, parsed);
  }
  return parsed;
}

export interface Expectation {
  expect: string;
  expectExit: ExpectExit;
}

export interface Verdict {
  status: Status;
  /** `CODE: message` for runs that did not complete, else ''. */
  error: string;
}

export function formatError(code: string, message: string): string {
  return `${code}: ${message}`;
}

/**
 * A completed run passes when its exit code is the expected one and its
 * stdout or stderr matches `expect`. Runs that did not complete are `error`,
 * `timeout` or (cancelled) `skipped`, whatever was expected.
 */
export function judge(result: RunResult, expectation: Expectation): Verdict {
  const err = result.error;
  if (result.cancelled || err?.code === ErrorCode.CANCELLED) {
    return { status: 'skipped', error: formatError(ErrorCode.CANCELLED, err?.message ?? 'the run was cancelled') };
  }
  if (result.timedOut || err?.code === ErrorCode.TIMEOUT) {
    return { status: 'timeout', error: formatError(ErrorCode.TIMEOUT, err?.message ?? 'the run timed out') };
  }
  if (err) return { status: 'error', error: formatError(err.code, err.message) };
  // Killed by a signal: the command ran and failed, as a shell sees it (exit 128+N there).
  if (result.signal !== undefined) return { status: 'failed', error: formatError(ErrorCode.KILLED, `killed by ${result.signal}`) };
  if (result.exitCode === null) return { status: 'error', error: formatError(ErrorCode.INTERNAL, 'the command ended without an exit code') };
  return passes(result.exitCode, result.stdout, result.stderr, expectation) ? PASSED : NOT_PASSED;
}

/** The verdicts of completed runs, made once: judging is on the per-row path. */
const PASSED: Verdict = Object.freeze({ status: 'ok', error: '' });
const NOT_PASSED: Verdict = Object.freeze({ status: 'failed', error: '' });

function passes(exitCode: number, stdout: string, stderr: string, expectation: Expectation): boolean {
  if (expectation.expectExit !== 'any' && exitCode !== expectation.expectExit) return false;
  if (expectation.expect === '') return true;
  const parsed = cachedExpect(expectation.expect);
  const re = parsed.ok ? parsed.value : null; // validated before the batch started
  return re === null || re.test(stdout) || re.test(stderr);
}

/** The verdict for a run whose promise rejected (connection lost, cancelled, ...). */
export function judgeRejection(err: unknown): Verdict {
  if (isTcpcmdError(err)) {
    const status: Status = err.code === ErrorCode.CANCELLED ? 'skipped' : err.code === ErrorCode.TIMEOUT ? 'timeout' : 'error';
    return { status, error: formatError(err.code, err.message) };
  }
  return { status: 'error', error: formatError(ErrorCode.INTERNAL, errorMessage(err)) };
}

/** Why a row did not pass, in a few words, for the summary and JUnit. */
export function explainRow(row: OutputRow): string {
  switch (row.status) {
    case 'ok':
      return 'ok';
    case 'failed': {
      if (row.error !== '') return row.error;
      if (row.expect_exit !== 'any' && row.exit_code !== row.expect_exit) {
        return `exit ${row.exit_code ?? 'none'}, expected ${row.expect_exit}`;
      }
      return row.expect === '' ? 'failed' : `output does not match /${row.expect}/`;
    }
    default:
      return row.error === '' ? row.status : row.error;
  }
}
