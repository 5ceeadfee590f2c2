// exec as exact as ssh: output and stdin byte for byte (a real server process, real pipes), signals as a shell reports them.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, startCliServer } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';

interface Ran { code: number | null; stdout: Buffer; stderr: string }

/** `tcpcmd exec ...args` with `stdin` (a file, bytes, or a shell pipeline's output) and its stdout as bytes. */
function execBytes(args: string[], stdin: { file?: string; bytes?: Buffer; shell?: string } = {}, ms = 60_000): Promise<Ran> {
  const quoted = [process.execPath, BIN, 'exec', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const line = stdin.shell ? `${stdin.shell} | ${quoted}` : stdin.file ? `${quoted} < '${stdin.file}'` : quoted;
  const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  onCleanup(() => void child.kill('SIGKILL'));
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {});
  child.stdin.end(stdin.bytes ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout: Buffer.concat(out), stderr });
  }));
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-exec-bytes-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('tcpcmd exec: bytes in, bytes out', () => {
  it('returns a binary file byte for byte, and a gzip stream that gunzips', async () => {
    const server = await startCliServer();
    const ls = readFileSync('/bin/ls');
    const copy = await execBytes([server.target, 'linux:cat /bin/ls']);
    expect(copy.code).toBe(0);
    expect(copy.stdout.length).toBe(ls.length);
    expect(sha256(copy.stdout)).toBe(sha256(ls));
    const gz = await execBytes([server.target, 'linux:gzip -c /bin/ls | gunzip | sha256sum']);
    expect(gz.stdout.toString()).toBe(`${sha256(ls)}  -\n`);
  });

  it('forwards stdin with its EOF: echo hi | exec linux:cat; -n sends none', async () => {
    const server = await startCliServer();
    const hi = await execBytes([server.target, 'linux:cat'], { shell: 'echo hi' });
    expect({ code: hi.code, out: hi.stdout.toString() }).toEqual({ code: 0, out: 'hi\n' });
    for (const flag of ['-n', '--no-stdin']) {
      const none = await execBytes([flag, server.target, 'linux:cat; echo done'], { bytes: Buffer.from('not sent\n') });
      expect({ code: none.code, out: none.stdout.toString() }).toEqual({ code: 0, out: 'done\n' });
    }
  });

  it('20 MB of random bytes both ways: stdin and stdout checksums equal the local ones', async () => {
    const server = await startCliServer(['--max-output', '0']);
    const dir = tempDir();
    const file = join(dir, 'random.bin');
    const data = randomBytes(20 * 1024 * 1024);
    writeFileSync(file, data);
    const local = sha256(data);
    const summed = await execBytes([server.target, 'linux:sha256sum'], { file });
    expect(summed.stdout.toString()).toBe(`${local}  -\n`);
    const echoed = await execBytes([server.target, 'linux:cat'], { file });
    expect(echoed.code).toBe(0);
    expect(echoed.stdout.length).toBe(data.length);
    expect(sha256(echoed.stdout)).toBe(local);
  }, 120_000);

  it('tar c dir | exec host "linux:tar x -C dest" unpacks the same files', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    await mkdir(join(dir, 'src/sub'), { recursive: true });
    await mkdir(join(dir, 'dest'));
    writeFileSync(join(dir, 'src/a.bin'), randomBytes(300_000));
    writeFileSync(join(dir, 'src/sub/b.txt'), 'hello\n');
    const r = await execBytes([server.target, `linux:tar x -C '${join(dir, 'dest')}'`], { shell: `tar c -C '${dir}' src` });
    expect(r.code).toBe(0);
    expect((await readdir(join(dir, 'dest/src'))).sort()).toEqual(['a.bin', 'sub']);
    expect(sha256(readFileSync(join(dir, 'dest/src/a.bin')))).toBe(sha256(readFileSync(join(dir, 'src/a.bin'))));
    expect(readFileSync(join(dir, 'dest/src/sub/b.txt'), 'utf8')).toBe('hello\n');
  });

  it('a command killed by a signal: one line, and 128 + its number', async () => {
    const server = await startCliServer();
    const killed = await runCli(['exec', server.target, 'linux:kill -9 $$']);
    expect(killed).toMatchObject({ code: 137, stdout: '', stderr: 'tcpcmd exec: killed by SIGKILL\n' });
    const term = await runCli(['exec', server.target, 'linux:kill -TERM $$']);
    expect(term).toMatchObject({ code: 143, stderr: 'tcpcmd exec: killed by SIGTERM\n' });
  });
});

describe('tcpcmd run: signals and output that is not text', () => {
  it('a killed command is a failed row with the signal; bytes that are not UTF-8 are kept as base64, marked', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const commands = join(dir, 'commands.csv');
    writeFileSync(commands, `target,command\n${server.target},linux:kill -9 $$\n${server.target},linux:printf 'a\\377b'\n${server.target},echo text\n`);
    const jsonl = await runCli(['run', commands, '--format', 'jsonl']);
    const rows = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ status: 'failed', exit_code: null, error: 'KILLED: killed by SIGKILL' });
    expect(rows[1]).toMatchObject({ status: 'ok', output_encoding: 'base64', stdout: Buffer.from('a\xffb', 'latin1').toString('base64') });
    expect(rows[2]).toMatchObject({ status: 'ok', output_encoding: '', stdout: 'text\n' });
    const junit = join(dir, 'junit.xml');
    await runCli(['run', commands, '--format', 'junit', '--out', junit]);
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure message="KILLED: killed by SIGKILL" type="KILLED">/);
  });
});
