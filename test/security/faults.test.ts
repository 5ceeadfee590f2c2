import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli, startCliServer, type CliServer } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';
import { eventually } from './helpers/procs.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-faults-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Stops the server process (SIGSTOP), as a hung machine or a debugger would; it is resumed after the test in any case. */
function stop(server: CliServer): () => void {
  const pid = server.child.pid ?? 0;
  process.kill(pid, 'SIGSTOP');
  let resumed = false;
  const resume = (): void => {
    if (resumed) return;
    resumed = true;
    process.kill(pid, 'SIGCONT');
  };
  onCleanup(resume);
  return resume;
}

describe('failure 3: a stalled server — one outcome per run, and the client keeps its own time', () => {
  it('a server stopped for good: exec gives up at its timeout plus a grace, cancels, says so and exits 255', async () => {
    const server = await startCliServer();
    const started = join(tempDir(), 'started');
    const exec = runCli(['exec', server.target, '--timeout', '1000', `linux:touch ${started}; sleep 1; echo hi`], { timeoutMs: 30_000 });
    expect(await eventually(() => existsSync(started), 10_000)).toBe(true);
    const resume = stop(server);
    const r = await exec;
    resume();
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/no answer from 127\.0\.0\.1:\d+ within the timeout \(1000 ms\) and 5 s more: gave up waiting and cancelled the run .*\(TIMEOUT\)$/m);
    // Awake again, it serves as before.
    const after = await runCli(['exec', server.target, 'echo', 'awake']);
    expect(after).toMatchObject({ code: 0, stdout: 'awake\n' });
  });

  it('a server stopped while the command ends and resumed after its timeout: the run finished, with its exit code and its output', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const [started, ended] = [join(dir, 'started'), join(dir, 'ended')];
    const exec = runCli(['exec', server.target, '--timeout', '1500', `linux:touch ${started}; sleep 0.5; echo hi; touch ${ended}`], { timeoutMs: 30_000 });
    expect(await eventually(() => existsSync(started), 10_000)).toBe(true);
    const stoppedAt = Date.now();
    const resume = stop(server);
    // Resumed once the command has ended and its timeout has passed: both are due in the same turn.
    expect(await eventually(() => existsSync(ended) && Date.now() - stoppedAt > 2_000, 10_000)).toBe(true);
    resume();
    const r = await exec;
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
  });
});

/** Data rows of a results CSV. */
function resultRows(path: string): { seq: number; status: string; error: string }[] {
  const records = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  return records.map((r) => ({ seq: Number(r.seq), status: r.status ?? '', error: r.error ?? '' }));
}

describe('failure 4: --resume runs again the rows a server crash left without an outcome', () => {
  it('kill -9 of the server half-way through 40 rows; --resume against the restarted server runs the rest, each row once in the file', async () => {
    const dir = tempDir();
    const [input, out, count, half] = ['commands.csv', 'results.csv', 'count', 'half'].map((f) => join(dir, f)) as [string, string, string, string];
    // Each row counts itself in a file; row 20 marks the half-way point.
    const rows = Array.from({ length: 40 }, (_, i) => `row ${i + 1},linux:echo ${i + 1} >> ${count}; ${i + 1 === 20 ? `touch ${half}; ` : ''}sleep 0.05; echo ${i + 1}`);
    writeFileSync(input, `name,command\n${rows.join('\n')}\n`);
    const server = await startCliServer();
    const first = runCli(['run', input, '--target', server.target, '--out', out], { timeoutMs: 60_000 });
    expect(await eventually(() => existsSync(half), 30_000)).toBe(true);
    server.child.kill('SIGKILL');
    const crashed = await first;
    expect(crashed.code).toBe(1);
    const before = resultRows(out);
    expect(before).toHaveLength(40);
    const lost = before.filter((r) => r.status !== 'ok');
    expect(lost.length).toBeGreaterThan(0);
    for (const r of lost) expect(r.error).toMatch(/^CONNECTION_CLOSED: /);

    const again = await startCliServer(['--port', String(server.port)]);
    const resumed = await runCli(['run', input, '--target', again.target, '--resume', out], { timeoutMs: 60_000 });
    expect(resumed.stderr).toMatch(/40 rows: 40 ok, 0 failed, 0 errors .*; \d+ from the resumed file; \d+ rows? whose outcome was unknown \(in flight when a connection was lost\) run again: they may have run before/);
    expect(resumed.code).toBe(0);
    const after = resultRows(out);
    expect(after.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(after.every((r) => r.status === 'ok')).toBe(true);
    // Every row ran; only those in flight at the crash may have run twice.
    const ran = readFileSync(count, 'utf8').split('\n').filter(Boolean).map(Number);
    expect(new Set(ran).size).toBe(40);
    expect(ran.length - 40).toBeLessThanOrEqual(lost.length);
  });

  it('refuses a results file with a row twice, a row for another target, or a seq that is not a number (exit 2, file untouched)', async () => {
    const dir = tempDir();
    const input = join(dir, 'commands.csv');
    writeFileSync(input, 'command\necho a\necho b\n');
    const head = 'seq,name,target,command,timeout,expect,expect_exit,status,exit_code,duration_ms,started_at,stdout,stderr,output_encoding,error,data';
    const row = (seq: string, target = '127.0.0.1:10000'): string => `${seq},,${target},echo a,,,0,ok,0,1,2026-01-01T00:00:00.000Z,"a\n",,,,\n`;
    const cases: [string, RegExp][] = [
      [`${head}\n${row('1')}${row('1')}`, /:4: seq 1 on 127\.0\.0\.1:10000 is there twice; --resume takes a results file/],
      [`${head}\n${row('1', '127.0.0.1:10001')}`, /:2: a row for 127\.0\.0\.1:10001, which is not a target of this batch/],
      [`${head}\n${row('abc')}`, /:2: seq "abc" is not a row number/],
    ];
    for (const [content, message] of cases) {
      const out = join(dir, 'results.csv');
      writeFileSync(out, content);
      const r = await runCli(['run', input, '--target', '127.0.0.1:10000', '--resume', out]);
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
      expect(readFileSync(out, 'utf8')).toBe(content);
    }
  });
});

describe('failure 5: a write error stops the batch at once', () => {
  it('a full file system: exit 2, runs in flight cancelled and no more sent, whole rows only; --resume after freeing space gives each row once', async (ctx) => {
    const dir = tempDir();
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      const why = `cannot mount a small tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}); needs root`;
      if (process.env.CI) throw new Error(why);
      console.warn(`skipped: ${why}`);
      ctx.skip();
    }
    onCleanup(() => void execFileSync('umount', ['-l', mnt]));
    const [input, count] = [join(dir, 'commands.csv'), join(dir, 'count')];
    const out = join(mnt, 'results.csv');
    // 300 rows of 2 kB of output each: the 256 kB file system is full after about 120.
    const rows = Array.from({ length: 300 }, (_, i) => `linux:echo ${i + 1} >> ${count}; head -c 2000 /dev/zero | tr '\\\\0' x; echo`);
    writeFileSync(input, `command\n${rows.join('\n')}\n`);
    const server = await startCliServer();
    const full = await runCli(['run', input, '--target', server.target, '--out', out], { timeoutMs: 90_000 });
    expect({ code: full.code, stderr: full.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot write .*results\.csv: .*ENOSPC.*\(IO_ERROR\)/) });
    const written = resultRows(out);
    expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true); // whole rows only
    const executed = readFileSync(count, 'utf8').split('\n').filter(Boolean).length;
    console.log(`full disk: ${written.length} rows written, ${executed} runs executed on the server`);
    // The run on its way when the error came, and those that ended before the cancel arrived: not the whole window.
    expect(executed - written.length).toBeLessThan(10);

    execFileSync('mount', ['-o', 'remount,size=8m', mnt]);
    const resumed = await runCli(['run', input, '--target', server.target, '--resume', out], { timeoutMs: 120_000 });
    expect(resumed.code).toBe(0);
    expect(resultRows(out).map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  }, 240_000);

  it('a server whose log goes away (its reader closed the pipe) keeps serving, unlogged', async () => {
    const server = await startCliServer();
    server.child.stderr?.destroy(); // `tcpcmd serve 2>&1 | head -1`: the next log line meets a closed pipe (EPIPE)
    for (const word of ['one', 'two', 'three']) {
      expect(await runCli(['exec', server.target, 'echo', word])).toMatchObject({ code: 0, stdout: `${word}\n` });
    }
    expect(server.child.exitCode).toBeNull();
  });
});

