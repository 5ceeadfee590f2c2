import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { freePort, onCleanup, startServer } from '../helpers/servers.js';

async function fleetCsv(rows: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-wait-test-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'servers.csv');
  await writeFile(path, `name,host,port\n${rows.join('\n')}\n`);
  return path;
}

describe('tcpcmd wait on many servers', () => {
  it('waits for every server of --targets, one line each as it comes up', async () => {
    const a = await startServer();
    const b = await startServer();
    const csv = await fleetCsv([`web-a,127.0.0.1,${a.port}`, `web-b,127.0.0.1,${b.port}`]);
    const r = await runCli(['wait', '--targets', csv, '--timeout', '5000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`web-a (127.0.0.1:${a.port}) is up`);
    expect(r.stderr).toContain(`web-b (127.0.0.1:${b.port}) is up`);
  });

  it('waits for one that starts later, given on the command line with another', async () => {
    const a = await startServer();
    const port = await freePort();
    const waiting = runCli(['wait', '--timeout', '10000', `${a.target},127.0.0.1:${port}`]);
    // Nothing listens on the second port yet: the wait keeps trying until it does.
    const late = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { stdio: 'ignore' });
    onCleanup(() => void late.kill('SIGKILL'));
    const r = await waiting;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`127.0.0.1:${port} is up`);
  });

  it('gives up with exit 3 and one line per server still missing, by name', async () => {
    const a = await startServer();
    const dead1 = await freePort();
    const dead2 = await freePort();
    const csv = await fleetCsv([`web-a,127.0.0.1,${a.port}`, `web-b,127.0.0.1,${dead1}`, `web-c,127.0.0.1,${dead2}`]);
    const r = await runCli(['wait', '--targets', csv, '--timeout', '600']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('tcpcmd wait: 2 of 3 servers did not come up:\n');
    expect(r.stderr).toMatch(new RegExp(`\\n  web-b \\(127\\.0\\.0\\.1:${dead1}\\): CONNECT_FAILED did not answer within 600 ms \\(\\d+ tries; last: .*connection refused`));
    expect(r.stderr).toMatch(new RegExp(`\\n  web-c \\(127\\.0\\.0\\.1:${dead2}\\): CONNECT_FAILED`));
    expect(r.stderr).not.toMatch(/ {2}web-a/);
  });

  it('--any is done when one server answers', async () => {
    const a = await startServer();
    const dead = await freePort();
    const r = await runCli(['wait', '--any', `127.0.0.1:${dead},${a.target}`, '--timeout', '10000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${a.target.replace(/\./g, '\\.')} is up: .*\\n$`));
  });

  it('--any gives up with exit 3 when none answers, naming each', async () => {
    const d1 = await freePort();
    const d2 = await freePort();
    const r = await runCli(['wait', '--any', `127.0.0.1:${d1},127.0.0.1:${d2}`, '--timeout', '400']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`  127.0.0.1:${d1}: CONNECT_FAILED`);
    expect(r.stderr).toContain(`  127.0.0.1:${d2}: CONNECT_FAILED`);
  });
});
