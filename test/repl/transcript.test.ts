// The session's transcript keeps its rows for .save in a private spool file, a tick's rows a line.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/client/index.js';
import { Transcript, rowFromResult } from '../../src/repl/transcript.js';
import { tempDir } from './helpers.js';

function result(i: number): RunResult {
  return { id: i, command: `echo ${i}`, exitCode: i % 5 === 0 ? 1 : 0, durationMs: i, truncated: false, timedOut: false, cancelled: false, stdout: `out "${i}",\n€`, stderr: i % 3 === 0 ? 'err\n' : '' };
}

/** The spool folders in the temporary folder, which each test makes its own (TMPDIR). */
const spools = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('tcpcmd-repl-') && !name.startsWith('tcpcmd-repl-test-'));

beforeEach(async () => {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = (await tempDir()).dir;
  return () => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  };
});

describe('Transcript', () => {
  it('saves every row in order, written through or the rows of a tick together, and removes its spool when closed', async () => {
    const { path } = await tempDir();
    const warnings: string[] = [];
    const transcript = await Transcript.open(undefined, (m) => warnings.push(m));
    for (let i = 1; i <= 95; i++) {
      // Written through, or with the others of the tick (a piped session's rows).
      transcript.add(rowFromResult({ target: 'h:1', command: `echo ${i}`, timeout: i % 2 ? null : 500, sentAt: Date.now() }, result(i)), i % 3 !== 0);
      if (i === 50) expect(await transcript.save(path('half.csv'))).toBe(50);
    }
    expect(spools().length).toBe(1);
    expect(await transcript.save(path('all.csv'))).toBe(95);
    await transcript.close();
    expect(spools()).toEqual([]);
    expect(warnings).toEqual([]);

    const rows = parse(await readFile(path('all.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(95);
    rows.forEach((row, n) => {
      const i = n + 1;
      expect(row).toMatchObject({ seq: String(i), target: 'h:1', command: `echo ${i}`, timeout: i % 2 ? '' : '500', status: i % 5 === 0 ? 'failed' : 'ok', exit_code: String(result(i).exitCode), duration_ms: String(i), stdout: result(i).stdout, stderr: result(i).stderr });
    });
    const half = await readFile(path('half.csv'), 'utf8');
    expect(half.split('\n').slice(0, 51)).toEqual((await readFile(path('all.csv'), 'utf8')).split('\n').slice(0, 51));
  });

  it('makes no spool before the first row', async () => {
    const transcript = await Transcript.open(undefined, () => undefined);
    expect(spools()).toEqual([]);
    await transcript.close();
  });
});
