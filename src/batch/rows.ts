/** The transcript row of each way a run can end: answered, rejected, or never sent. */
import type { RunResult } from '../client/types.js';
import { ErrorCode, isTcpcmdError, isoTime, errorMessage } from '../protocol/index.js';
import type { OutputRow } from './columns.js';
import { type Verdict, formatError, judge } from './expect.js';
import type { InputRow } from './input.js';

/** An error as a row's `error` cell: `CODE: message`. */
export function errorText(err: unknown): string {
  if (isTcpcmdError(err)) return formatError(err.code, err.message);
  return formatError(ErrorCode.INTERNAL, errorMessage(err));
}

/** What a row says was asked: a file's row, or a command typed in the REPL (seq 0 until its transcript numbers it). */
export type Asked = Pick<InputRow, 'seq' | 'name' | 'command' | 'expect' | 'expectExit'>;

type RowHead = Pick<OutputRow, 'seq' | 'name' | 'target' | 'command' | 'timeout' | 'expect' | 'expect_exit'>;

function rowHead(row: Asked, target: string, timeout: number | null): RowHead {
  return { seq: row.seq, name: row.name, target, command: row.command, timeout, expect: row.expect, expect_exit: row.expectExit };
}

/** A run the server answered, judged against the row's expectations. */
export function answeredRow(row: Asked, target: string, timeout: number | null, result: RunResult, sentAt: number): OutputRow {
  const endedAt = Date.now();
  const verdict = judge(result, row);
  // Built in one literal: this is the per-row hot path.
  return {
    seq: row.seq,
    name: row.name,
    target,
    command: row.command,
    timeout,
    expect: row.expect,
    expect_exit: row.expectExit,
    status: verdict.status,
    exit_code: result.exitCode,
    duration_ms: result.durationMs,
    // Pipelined runs wait their turn on the server: when it ran is its end minus its duration.
    started_at: isoTime(Math.max(sentAt, endedAt - result.durationMs)),
    // Output that is not text is kept exact, as base64, and the row says so (a CSV or JSON cell must be text).
    stdout: result.bytes ? (result.bytes.stdout ?? Buffer.from(result.stdout)).toString('base64') : result.stdout,
    stderr: result.bytes ? (result.bytes.stderr ?? Buffer.from(result.stderr)).toString('base64') : result.stderr,
    output_encoding: result.bytes ? 'base64' : '',
    error: verdict.error,
    data: result.data ?? null,
  };
}

/** A run sent that got no answer (connection lost, cancelled, refused). */
export function rejectedRow(row: Asked, target: string, timeout: number | null, verdict: Verdict, sentAt: number): OutputRow {
  return { ...rowHead(row, target, timeout), ...verdict, exit_code: null, duration_ms: Date.now() - sentAt, started_at: isoTime(sentAt), stdout: '', stderr: '', output_encoding: '', data: null };
}

/** A row for a run that never reached a server. */
export function unrunRow(row: Asked, target: string, timeout: number | null, status: 'error' | 'skipped', error: string): OutputRow {
  return { ...rowHead(row, target, timeout), status, exit_code: null, duration_ms: 0, started_at: isoTime(Date.now()), stdout: '', stderr: '', output_encoding: '', error, data: null };
}
