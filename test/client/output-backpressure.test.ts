import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputBackpressure } from '../../src/client/output-backpressure.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A stream that takes one byte before it is full, and drains when told. */
function slowStream(): { out: Writable; drain: () => void; got: string[] } {
  const got: string[] = [];
  let release: (() => void) | undefined;
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      got.push(chunk.toString());
      release = done;
    },
  });
  return { out, got, drain: () => release?.() };
}

describe('OutputBackpressure', () => {
  it('holds the connection while a stream is full and reads on once it drains', async () => {
    const calls: string[] = [];
    const gate = new OutputBackpressure(() => calls.push('pause'), () => calls.push('resume'));
    const a = slowStream();
    gate.write(a.out, 'one');
    gate.write(a.out, 'two'); // still full: one wait per stream, no second pause
    expect(calls).toEqual(['pause']);
    a.drain();
    await turn();
    expect(calls).toEqual(['pause']); // 'two' is still being written
    a.drain();
    await turn();
    expect(calls).toEqual(['pause', 'resume']);
    expect(a.got).toEqual(['one', 'two']);
  });

  it('reads on only when every full stream has drained, or was given up', async () => {
    const calls: string[] = [];
    const gate = new OutputBackpressure(() => calls.push('pause'), () => calls.push('resume'));
    const a = slowStream();
    const b = slowStream();
    gate.write(a.out, 'x');
    gate.write(b.out, 'y');
    a.drain();
    await turn();
    expect(calls).toEqual(['pause', 'pause']); // b is still full
    gate.forget(b.out); // its reader went away: its drain will never come
    expect(calls).toEqual(['pause', 'pause', 'resume']);
    gate.forget(b.out);
    expect(calls).toEqual(['pause', 'pause', 'resume']);
  });
});
