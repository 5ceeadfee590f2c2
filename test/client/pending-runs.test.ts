import { describe, expect, it } from 'vitest';
import { PendingRun, PendingRuns } from '../../src/client/pending-runs.js';
import { ErrorCode, TcpcmdError, type RunId } from '../../src/protocol/index.js';
import type { RunOptions, RunResult } from '../../src/client/types.js';

/** A pending run whose outcome the test reads back. */
function pending(command: string, options: RunOptions = {}): { run: PendingRun; outcome: () => RunResult | TcpcmdError | undefined } {
  let outcome: RunResult | TcpcmdError | undefined;
  const run = new PendingRun(command, options);
  run.resolve = (r) => (outcome = r);
  run.reject = (e) => (outcome = e);
  return { run, outcome: () => outcome };
}

describe('PendingRuns', () => {
  it('gathers output by id and answers with a result made from the done frame', () => {
    const runs = new PendingRuns(() => {});
    const seen: string[] = [];
    const a = pending('echo a', { onOutput: (stream, data) => seen.push(`${stream}:${data}`) });
    const b = pending('big', { collect: false });
    runs.add(1, a.run);
    runs.add('b', b.run);
    runs.output(1, 'stdout', 'a');
    runs.output(1, 'stderr', 'w');
    runs.output('b', 'stdout', 'lots');
    runs.output(99, 'stdout', 'for no one'); // an id not waiting: ignored
    runs.done({ type: 'done', id: 1, exitCode: 0, durationMs: 3 });
    runs.done({ type: 'done', id: 'b', exitCode: null, durationMs: 5, truncated: true, error: { code: ErrorCode.TIMEOUT, message: 't' } });
    expect(seen).toEqual(['stdout:a', 'stderr:w']);
    expect(a.outcome()).toEqual({ id: 1, command: 'echo a', exitCode: 0, durationMs: 3, truncated: false, timedOut: false, cancelled: false, stdout: 'a', stderr: 'w' });
    expect(b.outcome()).toMatchObject({ stdout: '', truncated: true, timedOut: true, cancelled: false, error: { code: ErrorCode.TIMEOUT } });
    expect(runs.size).toBe(0);
  });

  it('tells of each waiting run when their shared signal fires, once, and forgets answered ones', () => {
    const aborted: RunId[] = [];
    const runs = new PendingRuns((id) => aborted.push(id));
    const ac = new AbortController();
    for (const id of [1, 2, 3]) runs.add(id, pending(`r${id}`, { signal: ac.signal }).run);
    runs.done({ type: 'done', id: 2, exitCode: 0, durationMs: 1 });
    ac.abort();
    ac.abort();
    expect(aborted).toEqual([1, 3]);
  });

  it('rejects one run, or all of them with the cause when the connection is lost', () => {
    const runs = new PendingRuns(() => {});
    const [a, b, c] = [pending('a'), pending('b'), pending('c')];
    runs.add(1, a.run);
    runs.add(2, b.run);
    runs.add(3, c.run);
    const one = new TcpcmdError(ErrorCode.QUEUE_FULL, 'full');
    runs.fail(1, one);
    const lost = new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'gone');
    runs.failAll(lost);
    expect([a.outcome(), b.outcome(), c.outcome()]).toEqual([one, lost, lost]);
    expect(runs.size).toBe(0);
  });
});
