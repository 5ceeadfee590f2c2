import { describe, expect, it } from 'vitest';
import { RunDeadline } from '../../src/server/run-deadline.js';

/** Resolves with how long after `start` the deadline expired. */
function expiry(deadline: RunDeadline, ms: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => deadline.start(ms, () => resolve(performance.now() - start)));
}

describe('RunDeadline (one timer per session)', () => {
  it('expires a run that outlives its time, never before it', async () => {
    const deadline = new RunDeadline();
    expect(await expiry(deadline, 30)).toBeGreaterThanOrEqual(29);
    deadline.dispose();
  });

  it('a shorter run after a longer one still expires on its own time', async () => {
    const deadline = new RunDeadline();
    deadline.start(60_000, () => expect.fail('the first run ended in time'));
    deadline.stop();
    expect(await expiry(deadline, 30)).toBeGreaterThanOrEqual(29);
    deadline.dispose();
  });

  it('a longer run after a shorter one is not cut at the earlier time', async () => {
    const deadline = new RunDeadline();
    deadline.start(10, () => expect.fail('the first run ended in time'));
    deadline.stop();
    // The timer armed for the first run fires first and is armed again for the rest.
    expect(await expiry(deadline, 80)).toBeGreaterThanOrEqual(79);
    deadline.dispose();
  });

  it('a run that ended in time is not expired, and a disposed one never', async () => {
    const deadline = new RunDeadline();
    let expired = 0;
    deadline.start(10, () => expired++);
    deadline.stop();
    const other = new RunDeadline();
    other.start(10, () => expired++);
    other.dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(expired).toBe(0);
    deadline.dispose();
  });
});
