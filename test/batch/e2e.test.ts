/**
 * The batch runner against a real server and the real client, over loopback
 * sockets (a few cases; the fake-client tests cover the rest).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { runBatch } from '../../src/batch/index.js';
import { type TcpcmdServer, serve } from '../../src/server/index.js';
import { Collect, tempDir, within } from './helpers.js';

let server: TcpcmdServer;
let target: string;
let t: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  t = await tempDir();
  server = await serve({ port: 0 });
  const { port } = server.address() as { port: number };
  target = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await server.close();
  await t.cleanup();
});

const smoke = fileURLToPath(new URL('../../samples/smoke.csv', import.meta.url));
const posix = process.platform !== 'win32';

function statuses(path: string): string[][] {
  return (parse(readFileSync(path, 'utf8')) as string[][]).slice(1).map((r) => [r[3] ?? '', r[7] ?? '']);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('against a real server', () => {
  it('carries the builtins\' figures: a data column of JSON in CSV, a data field in JSONL and JSON', { timeout: 20_000 }, async () => {
    const input = t.path('data-in.csv');
    writeFileSync(input, 'command\nhostname\nram\necho plain\n');
    const csv = t.path('data.csv');
    await within(15_000, runBatch({ input, target, out: csv, connect, stderr: new Collect(), env: {} }));
    const [header, ...rows] = parse(readFileSync(csv, 'utf8')) as string[][];
    const at = header?.indexOf('data') ?? -1;
    expect(at).toBe((header?.length ?? 0) - 1);
    const cells = rows.map((r) => r[at] ?? '');
    expect(JSON.parse(cells[0] ?? '')).toEqual({ kind: 'hostname', hostname: expect.any(String) });
    expect(JSON.parse(cells[1] ?? '')).toMatchObject({ kind: 'ram', totalBytes: expect.any(Number), usagePercent: expect.any(Number) });
    expect(cells[2]).toBe('');
    for (const format of ['jsonl', 'json'] as const) {
      const out = t.path(`data.${format}`);
      await within(15_000, runBatch({ input, target, out, format, connect, stderr: new Collect(), env: {} }));
      const text = readFileSync(out, 'utf8');
      const objects = (format === 'json' ? JSON.parse(text) : text.trimEnd().split('\n').map((l) => JSON.parse(l))) as Array<{ data: unknown }>;
      expect(objects.map((o) => (o.data as { kind?: string } | null)?.kind ?? null)).toEqual(['hostname', 'ram', null]);
    }
  });

  it.skipIf(!posix)('passes samples/smoke.csv, and its results replay the same', { timeout: 20_000 }, async () => {
    const out = t.path('smoke-results.csv');
    const summary = await within(15_000, runBatch({ input: smoke, target, out, connect, stderr: new Collect(), env: {} }));
    expect(summary).toMatchObject({ exitCode: 0, rows: 8, counts: { ok: 8 } });
    const again = t.path('again.csv');
    const replay = await within(15_000, runBatch({ input: out, out: again, connect, stderr: new Collect(), env: {} }));
    expect(replay.exitCode).toBe(0);
    expect(statuses(again)).toEqual(statuses(out));
  });

  it('exits 3 when the only target refuses connections, with an error row per run', { timeout: 20_000 }, async () => {
    const out = t.path('dead.csv');
    const input = t.path('dead-in.csv');
    writeFileSync(input, 'os\nhostname\n');
    const summary = await within(15_000, runBatch({ input, target: `127.0.0.1:${await freePort()}`, out, connect, stderr: new Collect(), env: {} }));
    expect(summary.exitCode).toBe(3);
    expect(statuses(out).map((s) => s[1])).toEqual(['error', 'error']);
    expect(readFileSync(out, 'utf8')).toContain('CONNECT_FAILED: ');
  });

  it('reconnects after the server ends the session (disconnect) and goes on', { timeout: 20_000 }, async () => {
    const out = t.path('disc.csv');
    const input = t.path('disc-in.csv');
    writeFileSync(input, 'command\necho one\ndisconnect\necho two\necho three\n');
    const summary = await within(15_000, runBatch({ input, target, out, connect, stderr: new Collect(), env: {}, window: 1 }));
    const rows = statuses(out);
    expect(rows[0]).toEqual(['echo one', 'ok']);
    expect(rows.at(-1)).toEqual(['echo three', 'ok']);
    expect(summary.rows).toBe(4);
  });

  it.skipIf(!posix)('a shell command past its timeout is a timeout row', { timeout: 20_000 }, async () => {
    const out = t.path('slow.csv');
    const input = t.path('slow-in.csv');
    writeFileSync(input, 'command,timeout\nlinux:sleep 5,300ms\necho after\n');
    const summary = await within(15_000, runBatch({ input, target, out, connect, stderr: new Collect(), env: {} }));
    expect(statuses(out)).toEqual([
      ['linux:sleep 5', 'timeout'],
      ['echo after', 'ok'],
    ]);
    expect(summary.exitCode).toBe(1);
  });
});
