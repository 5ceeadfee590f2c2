import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchedWriter, PACED_GAP_MS } from '../../src/protocol/index.js';

function sink(highWaterMark = 16 * 1024) {
  const writes: string[] = [];
  let release: (() => void) | undefined;
  const stream = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      writes.push(chunk);
      release = done; // held until the test releases it: a slow peer
    },
  });
  return { stream, writes, release: () => release?.() };
}

describe('BatchedWriter', () => {
  it('writes the frames of one turn with one call, in order', async () => {
    const { stream, writes } = sink();
    const writer = new BatchedWriter(stream);
    for (let i = 0; i < 100; i++) writer.write(`${i}\n`);
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe(Array.from({ length: 100 }, (_, i) => `${i}\n`).join(''));
  });

  it('writes a lone frame once the work in hand is done, before the next turn of the event loop', async () => {
    const { stream, writes } = sink();
    const writer = new BatchedWriter(stream);
    writer.write('a\n');
    // Work set off by the same event (promise continuations) joins the same write.
    await Promise.resolve();
    writer.write('b\n');
    expect(writes).toEqual([]);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    let beforeNextTurn: string[] = [];
    await new Promise<void>((resolve) => {
      setImmediate(resolve);
      process.nextTick(() => (beforeNextTurn = [...writes]));
    });
    expect(beforeNextTurn).toEqual(['a\nb\n']);
  });

  it('writeNow: a frame with nothing gathered before it leaves at once; otherwise it joins the batch, in order', async () => {
    const { stream, writes, release } = sink();
    const writer = new BatchedWriter(stream);
    writer.writeNow('lone\n');
    expect(writes).toEqual(['lone\n']);
    release();
    writer.write('a\n');
    writer.writeNow('b\n');
    expect(writes).toEqual(['lone\n']);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['lone\n', 'a\nb\n']);
  });

  it('a paced writer (log lines) writes every line, in order, a gap after its last write', async () => {
    const writes: string[] = [];
    const stream = new Writable({ decodeStrings: false, write: (chunk: string, _enc, done) => (writes.push(chunk), done()) });
    const writer = new BatchedWriter(stream, 'paced');
    for (let i = 1; i <= 3; i++) {
      writer.write(`${i}\n`);
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, PACED_GAP_MS));
    while (writes.join('') !== '1\n2\n3\n') await new Promise((r) => setTimeout(r, PACED_GAP_MS));
    expect(writes[0]).toBe('1\n'); // after a quiet spell, the first line leaves at once
  });

  it('writes at once past its batch size, and reports a peer that is behind', () => {
    const { stream, writes } = sink(100 * 1024);
    const writer = new BatchedWriter(stream);
    const big = 'x'.repeat(70 * 1024);
    expect(writer.write(big)).toBe(true);
    expect(writes).toHaveLength(1);
    expect(writer.write(big)).toBe(false); // 140 KiB held by a peer that has not read
  });

  it('flush() sends what is gathered now, and nothing after the stream ended', () => {
    const { stream, writes } = sink();
    const writer = new BatchedWriter(stream);
    writer.write('a\n');
    writer.flush();
    expect(writes).toEqual(['a\n']);
    stream.end();
    writer.write('b\n');
    writer.flush();
    expect(writes).toEqual(['a\n']);
  });
});
