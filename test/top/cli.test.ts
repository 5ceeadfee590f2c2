// `tcpcmd top` as a plain process: --once, the table when not on a terminal, the CSV and JSONL time series.
import { writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort, startServer } from '../helpers/servers.js';
import { tempDir } from '../repl/helpers.js';

describe('tcpcmd top, not on a terminal', () => {
  it('prints one table and exits 0 when every server is up (names from servers.csv)', async () => {
    const a = await startServer();
    const b = await startServer();
    const { dir } = await tempDir();
    const servers = `${dir}/servers.csv`;
    writeFileSync(servers, `name,host,port\nweb-a,127.0.0.1,${a.port}\nweb-b,127.0.0.1,${b.port}\n`);
    const r = await runCli(['top', '--targets', servers]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head, ...rows] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^NAME +STATUS +CPU% +LOAD +RAM% +DISK% +UPTIME +RTT ms +NOTE$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^web-a +up +\d+\.\d +\d+\.\d\d +\d+\.\d +\d+\.\d +\d\d:\d\d(:\d\d| ) *\S* +\d+\.\d$/);
    expect(rows[1]).toMatch(/^web-b +up /);
  });

  it('--once: a server down is a row saying why, and exit 1', async () => {
    const a = await startServer();
    const dead = await freePort();
    const r = await runCli(['top', '--once', a.target, `127.0.0.1:${dead}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${a.target.replace(/\./g, '\\.')} +up `, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1:${dead} +down .*CONNECT_FAILED: cannot connect to 127\\.0\\.0\\.1:${dead}: connection refused`, 'm'));
  });

  it('a server that wants a token we do not have is "auth failed"', async () => {
    const guarded = await startServer({ token: 'the-right-token' });
    const r = await runCli(['top', '--once', guarded.target], { env: { TCPCMD_TOKEN: 'a-wrong-token' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ auth failed .*AUTH_FAILED/);
  });

  it('--format csv --count N: a header, then one row per server per interval, numbers as numbers', async () => {
    const a = await startServer();
    const dead = await freePort();
    const r = await runCli(['top', '--format', 'csv', '--count', '3', '--interval', '0.2', a.target, `127.0.0.1:${dead}`]);
    expect(r.code).toBe(1);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(6);
    const up = rows.filter((row) => row.target === a.target);
    expect(up.map((row) => row.status)).toEqual(['up', 'up', 'up']);
    for (const row of up) {
      expect(Number(row.ram_total_bytes)).toBeGreaterThan(0);
      expect(row.cpu_percent).toMatch(/^\d+(\.\d)?$/);
      expect(row.rtt_ms).toMatch(/^\d+(\.\d+)?$/);
    }
    // One time per round, rounds in order.
    const times = [...new Set(rows.map((row) => row.time))];
    expect(times).toHaveLength(3);
    expect([...times].sort()).toEqual(times);
    expect(rows.filter((row) => row.status === 'down').every((row) => row.cpu_percent === '' && (row.reason ?? '').startsWith('CONNECT_FAILED'))).toBe(true);
  });

  it('--format jsonl --once: one object per server, null where there is no figure', async () => {
    const a = await startServer();
    const r = await runCli(['top', '--format', 'jsonl', '--once', a.target]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: a.target, target: a.target, status: 'up', reason: '', ram_percent: expect.any(Number), uptime_seconds: expect.any(Number) });
  });

  it('takes its flags after the servers too, and --interval with a unit', async () => {
    const a = await startServer();
    const r = await runCli(['top', a.target, '--format', 'jsonl', '--count', '2', '--interval', '200ms']);
    expect(r.code).toBe(0);
    const times = r.stdout.trimEnd().split('\n').map((l) => Date.parse((JSON.parse(l) as { time: string }).time));
    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(150); // 0.2 s apart, not 200 s: the unit was read
  });

  it('says what is wrong with its flags (exit 2)', async () => {
    expect(await runCli(['top'])).toMatchObject({ code: 2, stderr: expect.stringContaining('name the servers to watch') });
    expect(await runCli(['top', '--interval', '0', 'localhost'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--interval: expected seconds from 0.1 to 86400 (e.g. 2, or 0.5), or a duration with its unit (500ms, 2s, 1m), got "0"') });
    expect(await runCli(['top', '--interval', '50ms', 'localhost'])).toMatchObject({ code: 2, stderr: expect.stringContaining('got "50ms"') });
    expect(await runCli(['top', '--count', '2', 'localhost'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--count goes with --format csv or jsonl') });
  });
});
