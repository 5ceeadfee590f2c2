import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/client/types.js';
import type { OutputRow } from '../../src/batch/columns.js';
import { compileExpect, explainRow, judge, judgeRejection, parseExpectExit, parseTimeout } from '../../src/batch/expect.js';
import { ErrorCode, TcpcmdError } from '../../src/protocol/index.js';

function result(fields: Partial<RunResult>): RunResult {
  return { id: 1, command: 'x', exitCode: 0, durationMs: 1, truncated: false, timedOut: false, cancelled: false, stdout: '', stderr: '', ...fields };
}

describe('cells', () => {
  it('parses timeouts in ms or with a unit', () => {
    expect(parseTimeout('')).toEqual({ ok: true, value: null });
    expect(parseTimeout(' 5000 ')).toEqual({ ok: true, value: 5000 });
    expect(parseTimeout('500ms')).toEqual({ ok: true, value: 500 });
    expect(parseTimeout('1.5s')).toEqual({ ok: true, value: 1500 });
    expect(parseTimeout('2M')).toEqual({ ok: true, value: 120_000 });
    for (const bad of ['0', '-1', 'soon', '5h', '1e3', '99999999999']) expect(parseTimeout(bad).ok).toBe(false);
  });

  it('parses expect_exit', () => {
    expect(parseExpectExit('')).toEqual({ ok: true, value: 0 });
    expect(parseExpectExit('3')).toEqual({ ok: true, value: 3 });
    expect(parseExpectExit('-1')).toEqual({ ok: true, value: -1 });
    expect(parseExpectExit('ANY')).toEqual({ ok: true, value: 'any' });
    expect(parseExpectExit('1.5').ok).toBe(false);
  });

  it('compiles expect like grep: ^ and $ per line, (?i) and (?s) flags', () => {
    const re = (s: string): RegExp => {
      const p = compileExpect(s);
      if (!p.ok || p.value === null) throw new Error(s);
      return p.value;
    };
    expect(compileExpect('')).toEqual({ ok: true, value: null });
    expect(re('^ok$').test('ok\n')).toBe(true);
    expect(re('^Linux').test('Kernel\nLinux 6\n')).toBe(true);
    expect(re('linux').test('Linux')).toBe(false);
    expect(re('(?i)linux').test('Linux')).toBe(true);
    expect(re('(?s)a.b').test('a\nb')).toBe(true);
    expect(re('(?is)A.B').flags).toBe('ims');
    expect(re('/usr/i').test('/usr/i')).toBe(true); // no slash syntax: paths stay literal
    expect(compileExpect('(').ok).toBe(false);
  });
});

describe('judge', () => {
  const plain = { expect: '', expectExit: 0 as const };
  it('passes on the expected exit code and a matching stdout or stderr', () => {
    expect(judge(result({ exitCode: 0 }), plain)).toEqual({ status: 'ok', error: '' });
    expect(judge(result({ exitCode: 1 }), plain)).toEqual({ status: 'failed', error: '' });
    expect(judge(result({ exitCode: 1 }), { expect: '', expectExit: 1 }).status).toBe('ok');
    expect(judge(result({ exitCode: 7 }), { expect: '', expectExit: 'any' }).status).toBe('ok');
    expect(judge(result({ stdout: 'v20.1\n' }), { expect: '^v20', expectExit: 0 }).status).toBe('ok');
    expect(judge(result({ stderr: 'Python 3.12\n' }), { expect: '^Python 3', expectExit: 0 }).status).toBe('ok');
    expect(judge(result({ stdout: 'v18\n' }), { expect: '^v20', expectExit: 0 }).status).toBe('failed');
  });

  it('says error, timeout or skipped for runs that did not complete, whatever was expected', () => {
    expect(judge(result({ exitCode: null, error: { code: ErrorCode.UNKNOWN_COMMAND, message: 'unknown command "x"' } }), plain)).toEqual({
      status: 'error',
      error: 'UNKNOWN_COMMAND: unknown command "x"',
    });
    expect(judge(result({ exitCode: null, timedOut: true }), plain)).toEqual({ status: 'timeout', error: 'TIMEOUT: the run timed out' });
    expect(judge(result({ exitCode: null, cancelled: true }), plain).status).toBe('skipped');
    expect(judge(result({ exitCode: null, signal: 'SIGKILL' }), plain)).toEqual({ status: 'failed', error: 'KILLED: killed by SIGKILL' });
    expect(judgeRejection(new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'gone'))).toEqual({ status: 'error', error: 'CONNECTION_CLOSED: gone' });
    expect(judgeRejection(new Error('boom'))).toEqual({ status: 'error', error: 'INTERNAL: boom' });
  });

  it('explains a row that did not pass', () => {
    const row: OutputRow = {
      seq: 1, name: '', target: 'h:1', command: 'c', timeout: null, expect: '^x', expect_exit: 0,
      status: 'failed', exit_code: 2, duration_ms: 1, started_at: '', stdout: '', stderr: '', output_encoding: '', error: '', data: null,
    };
    expect(explainRow(row)).toBe('exit 2, expected 0');
    expect(explainRow({ ...row, exit_code: 0 })).toBe('output does not match /^x/');
    expect(explainRow({ ...row, status: 'error', error: 'CONNECT_FAILED: refused' })).toBe('CONNECT_FAILED: refused');
  });
});
