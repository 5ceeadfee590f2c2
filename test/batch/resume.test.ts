import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type BatchOptions, runBatch } from '../../src/batch/index.js';
import { OUTPUT_COLUMNS } from '../../src/batch/columns.js';
import { DoneSet } from '../../src/batch/resume.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { Collect, type FakeOptions, fakeConnect, within, useTempDir } from './helpers.js';

const t = useTempDir();

const A = '127.0.0.1:10001';

function file(name: string, content: string | Buffer): string {
  const path = t.path(name);
  writeFileSync(path, content);
  return path;
}

async function run(options: Partial<BatchOptions> & { input: string }, fake: FakeOptions = {}) {
  const { connect, log } = fakeConnect(fake);
  const summary = await within(10_000, runBatch({ target: A, connect, stderr: new Collect(), stdout: new Collect(), env: {}, ...options }));
  return { summary, log };
}

/** Byte offset just past each record, from csv-parse itself. */
function recordEnds(data: Buffer): number[] {
  const parsed: unknown = parse(data, { info: true });
  return (parsed as { info: { bytes: number } }[]).map((r) => r.info.bytes);
}

function records(path: string): string[][] {
  return parse(readFileSync(path, 'utf8')) as string[][];
}

// Output with quotes, commas and line breaks, so cuts land inside quoted cells too.
const INPUT = 'command,name\n' + Array.from({ length: 10 }, (_, i) => `"echo ""row ${i + 1}"",\nsecond line",r${i + 1}`).join('\n') + '\n';

describe('--resume', () => {
  it('continues a batch killed at any byte: finished rows are kept and not run again, each row ends up once', { timeout: 60_000 }, async () => {
    const input = file('in.csv', INPUT);
    const full = t.path('full.csv');
    await run({ input, out: full });
    const whole = readFileSync(full);
    // Where each record ends (its line break included), from csv-parse itself.
    const ends = recordEnds(whole);
    const rowEnds = ends.slice(1);
    const fromByte = rowEnds[6] ?? 0; // cuts from inside row 8 to the end
    for (let cut = fromByte; cut <= whole.length; cut++) {
      const resumed = file('resume.csv', whole.subarray(0, cut));
      const { log, summary } = await run({ input, resume: resumed });
      const recs = records(resumed);
      expect(recs[0]).toEqual([...OUTPUT_COLUMNS]);
      const seqs = recs.slice(1).map((r) => Number(r[0]));
      expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const kept = rowEnds.filter((e) => e <= cut).length;
      expect(log.sent).toHaveLength(10 - kept);
      const keptBytes = kept === 0 ? (ends[0] ?? 0) : (rowEnds[kept - 1] ?? 0);
      expect(readFileSync(resumed).subarray(0, keptBytes).equals(whole.subarray(0, keptBytes))).toBe(true);
      expect(summary).toMatchObject({ exitCode: 0, rows: 10, resumed: kept, ran: 10 - kept });
    }
  });

  it('starts fresh on a missing or empty file, and after a cut inside the header', async () => {
    const input = file('in.csv', 'os\nhostname\n');
    for (const content of [null, '', 'seq,na']) {
      const path = t.path('r.csv');
      if (content !== null) writeFileSync(path, content);
      else if (existsSync(path)) continue;
      await run({ input, resume: path });
      expect(records(path).map((r) => r[3])).toEqual(['command', 'os', 'hostname']);
    }
  });

  it('runs skipped rows again, dropping them from the file so each row is there once', async () => {
    const input = file('in.csv', 'command\necho a\nexit 1\nsleep 2000\necho b\n');
    const out = t.path('ff.csv');
    await run({ input, out, failFast: true, window: 2 });
    expect(records(out).slice(1).map((r) => r[7])).toEqual(['ok', 'failed', 'skipped', 'skipped']);
    const { log, summary } = await run({ input: file('fixed.csv', 'command\necho a\nexit 1\necho c\necho b\n'), resume: out });
    expect(log.sent.map((s) => s.cmd)).toEqual(['echo c', 'echo b']);
    expect(records(out).slice(1).map((r) => [r[0], r[7]])).toEqual([
      ['1', 'ok'],
      ['2', 'failed'],
      ['3', 'ok'],
      ['4', 'ok'],
    ]);
    expect(summary).toMatchObject({ exitCode: 1, rows: 4, resumed: 2, counts: { ok: 3, failed: 1, skipped: 0 } });
    expect(summary.failures.map((f) => f.seq)).toEqual([2]);
  });

  it('keeps (seq, target) pairs apart when fanning out', async () => {
    const servers = file('servers.csv', 'host\n127.0.0.1:10001\n127.0.0.1:10002\n');
    const input = file('in.csv', 'os\nhostname\n');
    const out = t.path('fan.csv');
    await run({ input, out, targets: servers, target: undefined });
    const ends = recordEnds(readFileSync(out));
    writeFileSync(out, readFileSync(out).subarray(0, ends[2])); // header and two rows
    const kept = new Set(records(out).slice(1).map((r) => `${r[0]}@${r[2]}`));
    const { log } = await run({ input, resume: out, targets: servers, target: undefined });
    const seqOf: Record<string, number> = { os: 1, hostname: 2 };
    expect(kept.size).toBe(2);
    expect(log.sent.map((s) => `${seqOf[s.cmd]}@${s.target}`).filter((x) => kept.has(x))).toEqual([]);
    expect(log.sent).toHaveLength(2);
    expect(new Set(records(out).slice(1).map((r) => `${r[0]}@${r[2]}`)).size).toBe(4);
  });

  it('resumes jsonl, trimming a torn last line', async () => {
    const input = file('in.csv', 'os\nhostname\necho x\n');
    const out = t.path('r.jsonl');
    await run({ input, resume: out });
    const text = readFileSync(out, 'utf8');
    const cut = text.lastIndexOf('{') + 10;
    writeFileSync(out, text.slice(0, cut));
    const { log } = await run({ input, resume: out });
    expect(log.sent.map((s) => s.cmd)).toEqual(['echo x']);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('resumes jsonl with CRLF line ends and multi-byte text, keeping the whole lines byte for byte', async () => {
    const input = file('in.csv', 'echo héllo ✓\nhostname\necho x\n');
    const out = t.path('crlf.jsonl');
    await run({ input, resume: out });
    const [first = '', second = '', third = ''] = readFileSync(out, 'utf8').trimEnd().split('\n');
    const kept = `${first}\r\n${second}\r\n`;
    writeFileSync(out, kept + third.slice(0, 10)); // two whole lines (CRLF, as an editor may leave them), one torn
    const { log } = await run({ input, resume: out });
    expect(log.sent.map((s) => s.cmd)).toEqual(['echo x']);
    const after = readFileSync(out, 'utf8');
    expect(after.startsWith(kept)).toBe(true);
    const rest = after.slice(kept.length);
    expect(rest.endsWith('}\n') && rest.indexOf('\n') === rest.length - 1).toBe(true); // one whole line, the torn one gone
    expect(JSON.parse(rest)).toMatchObject({ seq: 3, command: 'echo x', status: 'ok' });
  });

  it('refuses a file that is not this input\'s results, and leaves it as it was', async () => {
    const input = file('in.csv', 'os\n');
    const other = file('other.csv', 'command\nos\n');
    await expect(run({ input, resume: other })).rejects.toMatchObject({
      code: ErrorCode.BAD_INPUT,
      message: `${other}:1: the header is not the results header (${OUTPUT_COLUMNS.join(',')}); --resume takes a results file written by tcpcmd run`,
    });
    expect(readFileSync(other, 'utf8')).toBe('command\nos\n');
    const big = t.path('big.csv');
    await run({ input: file('big-in.csv', 'os\nos\nos\n'), out: big });
    await expect(run({ input, resume: big })).rejects.toMatchObject({
      code: ErrorCode.BAD_INPUT,
      message: `${big}:4: seq 2, but the input has 1 row (results of another input?); --resume takes a results file written by tcpcmd run`,
    });
  });

  it('keeps one bit per row and target', () => {
    const done = new DoneSet(1_000_000, { index: 1, count: 2 });
    expect(done.mark(1, 'a')).toBe(true);
    expect(done.mark(1, 'a')).toBe(false);
    done.mark(2, 'a');
    done.mark(1_000_000, 'b');
    expect([done.has(1, 'a'), done.has(2, 'a'), done.has(3, 'a'), done.has(1, 'b'), done.has(1_000_000, 'b')]).toEqual([true, true, false, false, true]);
    expect(done.countFor('a')).toBe(1); // only seq 1 is in shard 1/2
  });
});
