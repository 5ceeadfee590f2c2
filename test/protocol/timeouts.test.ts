import { describe, expect, it } from 'vitest';
import { ErrorCode, MAX_TIMER_MS, positiveMs } from '../../src/protocol/index.js';

describe('positiveMs', () => {
  it('takes a positive number of ms up to the timer limit, naming the flag otherwise', () => {
    expect(positiveMs(1, '--timeout')).toBe(1);
    expect(positiveMs(1.5, '--timeout')).toBe(1.5);
    expect(positiveMs(MAX_TIMER_MS, '--timeout')).toBe(MAX_TIMER_MS);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => positiveMs(bad, '--connect-timeout')).toThrow(
        expect.objectContaining({ code: ErrorCode.USAGE, message: `--connect-timeout must be a positive number of ms, got ${bad}` }),
      );
    }
    expect(() => positiveMs(MAX_TIMER_MS + 1, '--timeout')).toThrow(
      expect.objectContaining({ code: ErrorCode.USAGE, message: `--timeout must be a positive number of ms, at most ${MAX_TIMER_MS}, got ${MAX_TIMER_MS + 1}` }),
    );
  });
});
