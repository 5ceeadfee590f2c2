import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchedWriter } from '../../src/protocol/index.js';

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
