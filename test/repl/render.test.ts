import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/client/index.js';
import { confirmationFor } from '../../src/protocol/confirmation.js';
import { colorWanted } from '../../src/repl/batch-api.js';
import { painter, statusLine } from '../../src/repl/render.js';

const base: RunResult = { id: 1, command: 'x', exitCode: 0, durationMs: 12, truncated: false, timedOut: false, cancelled: false, stdout: '', stderr: '' };
const plain = painter(false);

describe('rendering', () => {
  it('says nothing after a success, and the exit code and duration after a failure', () => {
    expect(statusLine(base, plain)).toBeUndefined();
    expect(statusLine({ ...base, exitCode: 3 }, plain)).toBe('[exit 3, 12ms]');
    expect(statusLine({ ...base, exitCode: null, cancelled: true, durationMs: 1500, error: { code: 'CANCELLED', message: 'cancelled' } }, plain)).toBe('[cancelled, 1.5s]');
    expect(statusLine({ ...base, exitCode: null, error: { code: 'UNKNOWN_COMMAND', message: 'unknown command "cpuu"' } }, plain)).toBe('[error UNKNOWN_COMMAND, 12ms] unknown command "cpuu"');
    expect(statusLine({ ...base, exitCode: null, signal: 'SIGKILL' }, plain)).toBe('[killed by SIGKILL, 12ms]');
    expect(statusLine({ ...base, durationMs: 2500 }, plain, true)).toBe('[2.5s]');
  });

  it('names the command after the bracket when asked (no terminal)', () => {
    expect(statusLine(base, plain, false, 'linux:true')).toBeUndefined();
    expect(statusLine({ ...base, exitCode: 1, durationMs: 15 }, plain, false, 'linux:false')).toBe('[exit 1, 15ms] linux:false');
    expect(statusLine({ ...base, exitCode: null, error: { code: 'UNKNOWN_COMMAND', message: 'unknown command "cpuu"' } }, plain, false, 'cpuu')).toBe(
      '[error UNKNOWN_COMMAND, 12ms] cpuu: unknown command "cpuu"',
    );
    expect(statusLine({ ...base, exitCode: null, cancelled: true }, plain, false, 'linux:sleep 9')).toBe('[cancelled, 12ms] linux:sleep 9');
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(colorWanted(true, {})).toBe(true);
    expect(colorWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted(true, { NO_COLOR: '' })).toBe(true);
    expect(colorWanted(true, { TERM: 'dumb' })).toBe(false);
    expect(colorWanted(false, {})).toBe(false);
    // FORCE_COLOR as Node reads it; NO_COLOR still wins.
    expect(colorWanted(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorWanted(false, { FORCE_COLOR: '' })).toBe(true);
    expect(colorWanted(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorWanted(true, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorWanted(true, { FORCE_COLOR: '1', TERM: 'dumb' })).toBe(true);
    expect(colorWanted(true, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
    expect(statusLine({ ...base, exitCode: 1 }, painter(true))).toBe('\x1b[31m[exit 1, 12ms]\x1b[39m');
  });

  it('asks before kill and reset only', () => {
    expect(confirmationFor('kill', 'h:1')).toBe('Stop the server at h:1?');
    expect(confirmationFor('  RESET ', 'h:1')).toContain('Reset the server');
    expect(confirmationFor('killall', 'h:1')).toBeUndefined();
    expect(confirmationFor('constructor', 'h:1')).toBeUndefined();
  });
});
