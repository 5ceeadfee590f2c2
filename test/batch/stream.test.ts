/**
 * A large input streams through validation, the runner and the writer
 * without being held in memory: asserted by behaviour (the reader never runs
 * ahead of the window; the live heap stays small while the rows pass),
 * not by timings. ROWS is just past KEEP_ROWS, so the rows are not kept from
 * the check but read again, as any larger file's are: a larger file proves no
 * more, it only takes longer.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import { validateInput } from '../../src/batch/input-check.js';
import { KEEP_ROWS } from '../../src/batch/input.js';
import { Collect, fakeConnect, tempDir, within } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = KEEP_ROWS + 10_000;
/** The live heap is measured (after a forced GC) every this many rows written. */
const SAMPLE_EVERY = 5_000;
let t: Awaited<ReturnType<typeof tempDir>>;
let input: string;

beforeAll(async () => {
  t = await tempDir();
  input = t.path('big.csv');
  const ws = createWriteStream(input);
  ws.write('name,command,expect\r\n');
  for (let i = 1; i <= ROWS; i++) {
    // Every 7th row has a quoted cell with a comma and a line break, to keep the parser honest.
    const line = i % 7 === 0 ? `row ${i},"echo ${i},x\nsecond","^${i},x$"\r\n` : `row ${i},echo ${i},^\\d+$\r\n`;
    if (!ws.write(line)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
}, 60_000);

afterAll(async () => {
  await t.cleanup();
});

describe('streaming', () => {
  it('validates a file past KEEP_ROWS keeping only counts and ranges', { timeout: 60_000 }, async () => {
    const validated = await validateInput(input, { hasDefaultTarget: true });
    expect(validated.rows).toBe(ROWS);
    expect(validated.kept).toBeUndefined();
    expect(validated.targeted.size).toBe(0);
    expect(validated.untargeted).toMatchObject({ rows: ROWS, firstSeq: 1 });
  });

  it('runs a file past KEEP_ROWS to a results file in bounded memory, every row once', { timeout: 120_000 }, async () => {
    const { connect, log } = fakeConnect({ record: false });
    const out = t.path('results.csv');
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let written = 0;
    const onRow = (): void => {
      if (++written % SAMPLE_EVERY !== 0) return;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    };
    const summary = await within(110_000, runBatch({ input, target: '127.0.0.1:1', out, connect, stderr: new Collect(), env: {}, window: 256, onRow }));
    expect(summary.rows).toBe(ROWS);
    expect(summary.counts.ok).toBe(ROWS);
    // The reader never ran ahead of the pipelining window: rows are pulled as runs finish.
    expect(log.maxInFlight).toBeLessThanOrEqual(256);
    // Holding the result rows alone would take ~18 MB by the last sample (measured by keeping them
    // from onRow); streaming keeps a window's worth (measured: ~4 MB).
    expect(peak).toBeLessThan(10 * 1024 * 1024);

    const seen = new Uint8Array(ROWS + 1);
    let count = 0;
    let duplicates = 0;
    const parser = createReadStream(out).pipe(parse({ from_line: 2 }));
    for await (const record of parser as AsyncIterable<string[]>) {
      const seq = Number(record[0]);
      if (seen[seq] === 1) duplicates++;
      seen[seq] = 1;
      count++;
    }
    expect({ count, duplicates, missing: seen.subarray(1).indexOf(0) }).toEqual({ count: ROWS, duplicates: 0, missing: -1 });
  });
});
