import { describe, expect, it } from 'vitest';
import { PlainAnswers } from '../../src/server/plain-answers.js';
import { LineDecoder } from '../../src/protocol/index.js';

function recorder(): { answers: PlainAnswers; writes: string[] } {
  const writes: string[] = [];
  const answers = new PlainAnswers((data) => {
    writes.push(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
    return true;
  });
  return { answers, writes };
}

describe('plain-text answers', () => {
  it('ends output with a newline, marks failures, answers a silent success with [exit 0]', () => {
    const { answers, writes } = recorder();
    answers.output('abc');
    answers.answer({ exitCode: 3, durationMs: 1 });
    answers.answer({ exitCode: 0, durationMs: 1 });
    answers.output(Buffer.from('x\n'));
    answers.answer({ exitCode: 0, durationMs: 1 });
    answers.answer({ exitCode: null, signal: 'SIGKILL', durationMs: 1 });
    answers.answer({ exitCode: null, durationMs: 1, error: { code: 'TIMEOUT', message: 'timed out' } });
    expect(writes.join('')).toBe('abc\n[exit 3]\n[exit 0]\nx\n[killed by SIGKILL]\n[error TIMEOUT] timed out\n');
  });

  it('in packet mode sends each answer in one write, up to 1 KiB', () => {
    const { answers, writes } = recorder();
    answers.holdAnswers();
    answers.output('PING\n');
    answers.output(Buffer.from('64 bytes\n'));
    answers.output('done');
    expect(writes).toEqual([]);
    answers.answer({ exitCode: 0, durationMs: 1 });
    expect(writes).toEqual(['PING\n64 bytes\ndone\n']);
    answers.output('y'.repeat(2000));
    answers.output('z');
    expect(writes.slice(1)).toEqual(['y'.repeat(2000), 'z']);
  });
});

describe('line decoder: the rest of a line', () => {
  it('hands over an unfinished line once, and nothing when none is held', () => {
    const d = new LineDecoder(100);
    expect(d.push(Buffer.from('a\nhost'))).toEqual([{ kind: 'line', line: 'a' }]);
    expect(d.takeRest()).toEqual({ kind: 'line', line: 'host' });
    expect(d.takeRest()).toBeUndefined();
    expect(d.push(Buffer.from('x\n'))).toEqual([{ kind: 'line', line: 'x' }]);
  });
});
