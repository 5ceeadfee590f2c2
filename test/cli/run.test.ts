import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, startCliServer } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-run-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type Row = Record<string, string>;
const rowsOf = (csv: string): Row[] => parse(csv, { columns: true, bom: true }) as Row[];

/** `tcpcmd run` of `csv`, written to dir/name.csv, its results to dir/name-out.csv (read with `rows()`). */
async function runFile(target: string, dir: string, name: string, csv: string) {
  const input = join(dir, `${name}.csv`);
  const out = join(dir, `${name}-out.csv`);
  writeFileSync(input, csv);
  const r = await runCli(['run', input, '--target', target, '--out', out]);
  return { ...r, out, rows: (): Row[] => rowsOf(readFileSync(out, 'utf8')) };
}

describe('tcpcmd run (CLI)', () => {
  it('writes results to stdout and nothing else; summary on stderr; exit 0 when all pass', async () => {
    const server = await startCliServer();
    const r = await runCli(['run', '-', '--target', server.target], { input: 'command\necho one\n"echo two, three"\n' });
    expect(r.code).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((x) => [x.seq, x.status, x.stdout])).toEqual([['1', 'ok', 'one\n'], ['2', 'ok', 'two, three\n']]);
    expect(r.stderr).toMatch(/2 rows: 2 ok/);
  });

  it('reads its flags the same way with or without yargs: short forms, --no-..., bad values and help', async () => {
    const server = await startCliServer();
    // -t, -f and -c are read by the fast path; --no-progress by yargs: the same answer either way.
    // A flag given twice counts once, with its last value, either way.
    for (const args of [['-t', '127.0.0.1:1', '-t', server.target, '-f', 'jsonl', '-c', '2'], ['--target', '127.0.0.1:1', '--target', server.target, '--format', 'jsonl', '--no-progress']]) {
      const r = await runCli(['run', '-', ...args], { input: 'command\necho one\n' });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ seq: 1, status: 'ok', stdout: 'one\n' });
    }
    const badFormat = await runCli(['run', '-', '-t', server.target, '-f', 'xml'], { input: 'command\nos\n' });
    expect([badFormat.code, badFormat.stderr]).toEqual([2, expect.stringContaining('--format: expected one of csv, jsonl, json, junit, got "xml"')]);
    const badNumber = await runCli(['run', '-', '-t', server.target, '--timeout', 'soon'], { input: 'command\nos\n' });
    expect([badNumber.code, badNumber.stderr]).toEqual([2, expect.stringContaining('--timeout: expected a duration in ms (e.g. 5000), got "soon"')]);
    const help = await runCli(['run', '--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('--fail-fast')]);
  });

  it('exits 1 when an expectation fails, listing the failure', async () => {
    const server = await startCliServer();
    const r = await runFile(server.target, tempDir(), 'c', 'name,command,expect,expect_exit\ngood,echo hi,^hi$,\nbad exit,linux:exit 2,,0\nbad output,echo hi,^bye$,\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad exit');
    expect(r.stderr).toContain('bad output');
    expect(r.rows().map((x) => x.status)).toEqual(['ok', 'failed', 'failed']);
  });

  it('exits 2 on a broken file before running anything, naming file and line, leaving the output untouched', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const input = join(dir, 'broken.csv');
    // An absolute path: the command runs in the server's working directory, not ours.
    writeFileSync(input, `command,timeout\nlinux:touch ${join(dir, 'ran')}\n"echo unclosed,5s\n`);
    writeFileSync(join(dir, 'out.csv'), 'precious\n');
    const r = await runCli(['run', input, '--target', server.target, '--out', join(dir, 'out.csv')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${input}:3:`);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('precious\n');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('hands every row of a large batch to stdout, and the summary to stderr, before it exits', async () => {
    const server = await startCliServer();
    const n = 3000;
    const input = `command\n${Array.from({ length: n }, (_, i) => `echo row ${i + 1}`).join('\n')}\n`;
    const r = await runCli(['run', '-', '--target', server.target], { input });
    expect(r.code).toBe(0);
    const rows = rowsOf(r.stdout);
    expect([rows.length, rows.at(-1)?.seq, rows.at(-1)?.stdout]).toEqual([n, String(n), `row ${n}\n`]);
    expect(r.stderr).toMatch(/3000 rows: 3000 ok, 0 failed, 0 errors in /);
  });

  it('connects while the file is checked and runs every row on that session; a refused file runs nothing on it', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const good = await runFile(server.target, dir, 'good', 'command\necho one\necho two\n');
    expect(good.code).toBe(0);
    expect(good.rows().map((x) => x.stdout)).toEqual(['one\n', 'two\n']);
    const sessions = (): string[] => [...server.log().matchAll(/session (\w+) connected/g)].map((m) => m[1] ?? '');
    expect(sessions()).toHaveLength(1);
    expect(server.log().match(/ run "/g)).toHaveLength(2);
    const bad = await runFile(server.target, dir, 'bad', 'command\necho three\n"echo unclosed\n');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('bad.csv:3: unclosed quote')]);
    expect(existsSync(bad.out)).toBe(false);
    expect(server.log().match(/ run "/g)).toHaveLength(2);
  });

  it('names a misspelt column of the header, with what it may mean, and runs nothing (exit 2)', async () => {
    const server = await startCliServer();
    const r = await runCli(['run', '-', '--target', server.target], { input: 'comand,expect\nhostname,.\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('<stdin>:1: unknown column "comand" (did you mean "command"?)');
    expect(server.log()).not.toMatch(/ run "/);
  });

  it('shows an expect regex as written, in the summary and in JUnit', async () => {
    const server = await startCliServer();
    const input = 'command,expect\necho v20.1,^v22\\.\n';
    const summary = await runCli(['run', '-', '--target', server.target], { input });
    expect(summary.code).toBe(1);
    expect(summary.stderr).toContain('output does not match /^v22\\./');
    const junit = await runCli(['run', '-', '--target', server.target, '--format', 'junit'], { input });
    expect(junit.stdout).toContain('message="output does not match /^v22\\./"');
  });

  it('exits 3 when no target can be reached', async () => {
    const r = await runCli(['run', '-', '--target', '127.0.0.1:1'], { input: 'command\nhostname\n' });
    expect(r.code).toBe(3);
    expect(rowsOf(r.stdout)[0]).toMatchObject({ status: 'error' });
    expect(r.stderr).toMatch(/127\.0\.0\.1:1/);
  });

  it('stops quietly when the reader of stdout goes away (| head -1): no error, no more runs, the exit code so far', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const input = join(dir, 'slow.csv');
    // Row 2 ends after the reader has left, so writing it meets the closed pipe; rows 3 and 4 must not run.
    writeFileSync(input, `command\necho first\nlinux:sleep 1\nlinux:sleep 10\nlinux:touch ${join(dir, 'ran')}\n`);
    const child = spawn(process.execPath, [BIN, 'run', input, '--target', server.target, '--format', 'jsonl'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    onCleanup(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        const nl = text.indexOf('\n');
        if (nl === -1) return;
        child.stdout.destroy(); // what head does after its line
        resolve(text.slice(0, nl));
      });
      child.once('close', () => reject(new Error(`ended before a line: ${stderr}`)));
    });
    expect(JSON.parse(firstLine)).toMatchObject({ seq: 1, status: 'ok', stdout: 'first\n' });
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('replays a transcript against another server with --target, and against the same one without', async () => {
    const [old, other] = await Promise.all([startCliServer(), startCliServer()]);
    const dir = tempDir();
    const first = join(dir, 'results.csv');
    const ran = await runCli(['run', '-', '--target', old.target, '--out', first], { input: 'command\necho one\nlinux:exit 3\n' });
    expect(ran.code).toBe(1);
    old.child.kill('SIGKILL');
    await old.exited;

    const again = join(dir, 'again.csv');
    const r = await runCli(['run', first, '--target', other.target, '--out', again]);
    expect(r.code).toBe(1); // linux:exit 3 still fails: its expectation (0) replays too
    expect(r.stderr).not.toContain('unreachable');
    expect(rowsOf(readFileSync(again, 'utf8')).map((x) => [x.target, x.status, x.exit_code])).toEqual([
      [other.target, 'ok', '0'],
      [other.target, 'failed', '3'],
    ]);

    // No target on the command line: the cells say where (the servers it ran on).
    const same = await runCli(['run', again, '--out', join(dir, 'same.csv')]);
    expect(same.code).toBe(1);
    expect(rowsOf(readFileSync(join(dir, 'same.csv'), 'utf8')).map((x) => [x.target, x.status])).toEqual([
      [other.target, 'ok'],
      [other.target, 'failed'],
    ]);
  });

  it('writes JUnit XML for CI', async () => {
    const server = await startCliServer();
    const r = await runCli(['run', 'samples/smoke.csv', '--target', server.target, '--format', 'junit']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml/);
    expect((r.stdout.match(/<testcase /g) ?? []).length).toBe(8);
  });

  it('keeps every finished row whole after SIGKILL, and --resume finishes the batch with each row once', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const input = join(dir, 'many.csv');
    const n = 400;
    writeFileSync(input, 'command\n' + Array.from({ length: n }, (_, i) => (i % 50 === 49 ? 'linux:sleep 0.05' : `echo row ${i + 1}`)).join('\n') + '\n');
    const out = join(dir, 'out.csv');
    const child = spawn(process.execPath, [BIN, 'run', input, '--target', server.target, '--out', out], { stdio: 'ignore' });
    onCleanup(() => void child.kill('SIGKILL'));
    // Kill it once some rows are written, but (very likely) not all.
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      if (existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 60) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    // The kernel may stop the write in progress at SIGKILL (between two pages of it): its rows can be cut short, and
    // --resume trims them back. Every row written before it is whole: here each row ends with its four empty cells.
    const text = readFileSync(out, 'utf8');
    const partial = rowsOf(text.slice(0, text.lastIndexOf(',,,,\n') + 5));
    expect(partial.length).toBeGreaterThan(0);
    for (const row of partial) expect(row.status).toBe('ok');
    const r = await runCli(['run', input, '--target', server.target, '--out', out, '--resume', out]);
    expect(r.code).toBe(0);
    const seqs = rowsOf(readFileSync(out, 'utf8')).map((x) => Number(x.seq));
    expect(seqs.length).toBe(n);
    expect(new Set(seqs).size).toBe(n);
  });
});
