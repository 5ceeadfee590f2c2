import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/server/index.js';
import { compressNames } from '../../src/fleet/index.js';
import { testCommands } from '../helpers/commands.js';
import { BIN, runCli } from '../helpers/cli.js';
import { freePort, onCleanup, startServer } from '../helpers/servers.js';

/** A command whose answer is the server's release: the same on most servers, different on one (drift). */
const release = (text: string): Command => ({
  name: 'release',
  usage: 'release',
  summary: 'print the release',
  run: async (ctx) => {
    await ctx.write('stdout', `${text}\nbuilt today\n`);
    return { exitCode: 0 };
  },
});

async function fleetCsv(rows: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-fleet-test-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'servers.csv');
  await writeFile(path, `name,host,port\n${rows.join('\n')}\n`);
  return path;
}

async function fleet(releases: Record<string, string>): Promise<{ csv: string; ports: Record<string, number> }> {
  const ports: Record<string, number> = {};
  for (const [name, text] of Object.entries(releases)) ports[name] = (await startServer({ commands: [...testCommands, release(text)] })).port;
  return { csv: await fleetCsv(Object.entries(ports).map(([name, port]) => `${name},127.0.0.1,${port}`)), ports };
}

const sorted = (text: string): string[] => text.split('\n').filter((l) => l !== '').sort();

describe('tcpcmd exec on many servers', () => {
  it('tags each output line with the server name from servers.csv, names padded, and exits 0 when all ran it with 0', async () => {
    const { csv } = await fleet({ 'web-1': 'v1', 'web-2': 'v1', db: 'v2' });
    const r = await runCli(['exec', '--targets', csv, 'release']);
    expect(r.code).toBe(0);
    expect(sorted(r.stdout)).toEqual(['db    | built today', 'db    | v2', 'web-1 | built today', 'web-1 | v1', 'web-2 | built today', 'web-2 | v1']);
    expect(r.stderr).toBe('');
    // A server's lines keep their order.
    expect(r.stdout.indexOf('web-1 | v1')).toBeLessThan(r.stdout.indexOf('web-1 | built today'));
  });

  it('prints stderr lines tagged on stderr, then the tally and one line per failure naming the server; exit 1', async () => {
    const { ports } = await fleet({ 'web-1': 'v1', 'web-2': 'v1' });
    const dead = await freePort();
    const csv = await fleetCsv([`web-1,127.0.0.1,${ports['web-1']}`, `web-2,127.0.0.1,${ports['web-2']}`, `gone,127.0.0.1,${dead}`]);
    const r = await runCli(['exec', '--targets', csv, 'fail']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(sorted(lines.filter((l) => l.includes(' | ')).join('\n'))).toEqual(['web-1 | bad', 'web-2 | bad']);
    expect(r.stderr).toContain('tcpcmd exec: 3 servers: 0 ok, 2 failed, 1 unreachable\n');
    expect(r.stderr).toContain(`  web-1 (127.0.0.1:${ports['web-1']}): exit 3\n`);
    expect(r.stderr).toContain(`  gone (127.0.0.1:${dead}): CONNECT_FAILED cannot connect to 127.0.0.1:${dead}: connection refused`);
  });

  it('exits 3 when no server could be reached', async () => {
    const csv = await fleetCsv([`a,127.0.0.1,${await freePort()}`, `b,127.0.0.1,${await freePort()}`]);
    const r = await runCli(['exec', '--targets', csv, 'hostname']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('tcpcmd exec: 2 servers: 0 ok, 0 failed, 2 unreachable');
  });

  it('--group prints each distinct output once with the servers that gave it, largest group first', async () => {
    const { csv } = await fleet({ 'web-1': 'v1', 'web-2': 'v1', 'web-3': 'v1', db: 'v2' });
    const r = await runCli(['exec', '--targets', csv, '--group', 'release']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '----------------\nweb-[1-3] (3)\n----------------\nv1\nbuilt today\n' +
      '----------------\ndb\n----------------\nv2\nbuilt today\n',
    );
  });

  it('takes several targets on the command line, comma-separated, tagged with their addresses', async () => {
    const a = await startServer({ commands: testCommands });
    const b = await startServer({ commands: testCommands });
    const r = await runCli(['exec', '-c', '1', `${a.target},${b.target}`, 'echo', 'hi', 'there']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${a.target} | hi there\n${b.target} | hi there\n`);
  });

  it('reads the same through yargs (a --no- flag sends it there) as through the fast path', async () => {
    const { csv } = await fleet({ 'web-1': 'v1', 'web-2': 'v1' });
    const r = await runCli(['exec', '--no-group', '--targets', csv, 'echo', 'hi']);
    expect(r.code).toBe(0);
    expect(sorted(r.stdout)).toEqual(['web-1 | hi', 'web-2 | hi']);
  });

  it("names the server in an auth error: web-b (127.0.0.1:port): AUTH_REQUIRED", async () => {
    const locked = await startServer({ token: 's3cret', commands: testCommands });
    const open = await startServer({ commands: testCommands });
    const csv = await fleetCsv([`web-a,127.0.0.1,${open.port}`, `web-b,127.0.0.1,${locked.port}`]);
    const r = await runCli(['exec', '--targets', csv, 'echo', 'x'], { env: { TCPCMD_TOKEN: '' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('web-a | x\n');
    expect(r.stderr).toMatch(new RegExp(`\\n  web-b \\(127\\.0\\.0\\.1:${locked.port}\\): AUTH_REQUIRED requires a token`));
  });

  it('--json prints one JSON line per server: its name, address, exit code and the figures of a builtin', async () => {
    const a = await startServer();
    const b = await startServer();
    const csv = await fleetCsv([`web-a,127.0.0.1,${a.port}`, `web-b,127.0.0.1,${b.port}`]);
    const r = await runCli(['exec', '--targets', csv, '--json', 'hostname']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; target: string; exitCode: number; data: unknown });
    expect(lines.map((l) => l.name).sort()).toEqual(['web-a', 'web-b']);
    expect(lines.find((l) => l.name === 'web-a')).toMatchObject({ target: a.target, exitCode: 0 });
    for (const l of lines) expect(l.data).toEqual(expect.objectContaining({}));
    expect(lines.every((l) => l.data !== null)).toBe(true);
  });

  it('refuses a broken servers.csv with exit 2, naming the file and line', async () => {
    const csv = await fleetCsv(['web-1,127.0.0.1,notaport']);
    const r = await runCli(['exec', '--targets', csv, 'hostname']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${csv}:2:`);
  });
});

describe('compressNames', () => {
  it('writes numbered names as ranges, as pdsh hostlists do', () => {
    expect(compressNames(['web-1', 'web-2', 'web-3', 'web-7', 'db'])).toBe('web-[1-3,7],db');
    expect(compressNames(['web-01', 'web-02'])).toBe('web-01,web-02');
    expect(compressNames(['a'])).toBe('a');
  });
});

describe('tcpcmd exec --targets, interrupted', () => {
  it('Ctrl+C cancels the command on every server and exits 130', async () => {
    const cancelled: string[] = [];
    const hold = (name: string): Command => ({
      name: 'hold',
      usage: 'hold',
      summary: 'prints started, then waits to be cancelled',
      run: async (ctx) => {
        await ctx.write('stdout', 'started\n');
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        cancelled.push(name);
        return { exitCode: null };
      },
    });
    const a = await startServer({ commands: [...testCommands, hold('a')] });
    const b = await startServer({ commands: [...testCommands, hold('b')] });
    const csv = await fleetCsv([`a,127.0.0.1,${a.port}`, `b,127.0.0.1,${b.port}`]);
    const child = spawn(process.execPath, [BIN, 'exec', '--targets', csv, 'hold'], { stdio: ['ignore', 'pipe', 'pipe'] });
    onCleanup(() => void child.kill('SIGKILL'));
    let stdout = '';
    await new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if ((stdout.match(/started/g) ?? []).length === 2) resolve();
    }));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await expect.poll(() => [...cancelled].sort(), { timeout: 10_000 }).toEqual(['a', 'b']);
  });
});
