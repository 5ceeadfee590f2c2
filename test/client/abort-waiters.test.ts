import { describe, expect, it } from 'vitest';
import { whenAborted } from '../../src/client/abort-waiters.js';

describe('whenAborted', () => {
  it('calls every waiter once when the signal aborts, not those that stopped waiting', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const f = (): void => {
      calls.push('f');
    };
    whenAborted(controller.signal, f);
    const stopSecond = whenAborted(controller.signal, f); // the same function waits twice, each on its own
    whenAborted(controller.signal, () => calls.push('g'));
    const stopped = whenAborted(controller.signal, () => calls.push('never'));
    stopped();
    stopSecond();
    controller.abort();
    controller.abort();
    expect(calls.sort()).toEqual(['f', 'g']);
  });

  it('waits on each signal apart', () => {
    const a = new AbortController();
    const b = new AbortController();
    const calls: string[] = [];
    whenAborted(a.signal, () => calls.push('a'));
    whenAborted(b.signal, () => calls.push('b'));
    b.abort();
    expect(calls).toEqual(['b']);
    a.abort();
    expect(calls).toEqual(['b', 'a']);
  });

  it('a waiter added after the signal aborted is not called', () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    whenAborted(controller.signal, () => (called = true));
    expect(called).toBe(false);
  });
});
