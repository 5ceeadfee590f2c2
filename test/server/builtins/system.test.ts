import { hostname as osHostname, networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, VERSION } from '../../../src/protocol/index.js';
import { cpu } from '../../../src/server/builtins/cpu.js';
import { disk } from '../../../src/server/builtins/disk.js';
import { hostname } from '../../../src/server/builtins/hostname.js';
import { ip } from '../../../src/server/builtins/ip.js';
import { node } from '../../../src/server/builtins/node.js';
import { osCommand } from '../../../src/server/builtins/os.js';
import { ram } from '../../../src/server/builtins/ram.js';
import { uptime } from '../../../src/server/builtins/uptime.js';
import { version } from '../../../src/server/builtins/version.js';
import { CpuWindow, MAX_WINDOW_MS, MIN_WINDOW_MS } from '../../../src/server/builtins/cpu-window.js';
import { SHARED_READING_MS } from '../../../src/server/builtins/recent.js';
import { runCommand } from '../run-context.js';

/** `key: value` lines as a map, checking that the values line up. */
function keyValues(text: string): Map<string, string> {
  const lines = text.trimEnd().split('\n');
  const starts = new Set(lines.map((line) => line.search(/(?<=:\s+)\S/)));
  expect(starts.size).toBe(1);
  return new Map(lines.map((line) => {
    const match = /^([a-z]+): +(.*)$/.exec(line);
    expect(match, line).not.toBeNull();
    return [match?.[1] ?? '', match?.[2] ?? ''];
  }));
}

const BYTES = /^\d+(\.\d)? (B|KiB|MiB|GiB|TiB|PiB)$/;
const SHARE = /^\d+(\.\d)? (B|KiB|MiB|GiB|TiB|PiB) \(\d+\.\d%\)$/;

describe('system builtins', () => {
  it('os: type, platform, release, arch, hostname (and distro where /etc/os-release has one)', async () => {
    const { outcome, stdout } = await runCommand(osCommand);
    expect(outcome.exitCode).toBe(0);
    const rows = keyValues(stdout());
    expect(rows.get('platform')).toBe(process.platform);
    expect(rows.get('arch')).toBe(process.arch);
    expect(rows.get('hostname')).toBe(osHostname());
    expect([...rows.keys()].filter((k) => k !== 'distro')).toEqual(['type', 'platform', 'release', 'arch', 'hostname']);
  });

  it('cpu: usage %, model, logical cores, load average', async () => {
    const { outcome, stdout } = await runCommand(cpu);
    expect(outcome.exitCode).toBe(0);
    const rows = keyValues(stdout());
    expect(rows.get('usage')).toMatch(/^(\d+\.\d%|n\/a)$/);
    expect(rows.get('model')).toBeTruthy();
    expect(rows.get('cores')).toMatch(/^\d+ logical$/);
    expect(rows.get('load')).toMatch(process.platform === 'win32' ? /^n\/a$/ : /^\d+\.\d\d, \d+\.\d\d, \d+\.\d\d \(1, 5, 15 min\)$/);
  });

  it('ram: total, used, free, available with units and shares', async () => {
    const { outcome, stdout } = await runCommand(ram);
    expect(outcome.exitCode).toBe(0);
    const rows = keyValues(stdout());
    expect([...rows.keys()]).toEqual(['total', 'used', 'free', 'available']);
    expect(rows.get('total')).toMatch(BYTES);
    for (const key of ['used', 'free', 'available']) expect(rows.get(key)).toMatch(SHARE);
  });

  it('disk: the system disk by default, or the file system of a path', async () => {
    const root = await runCommand(disk);
    expect(root.outcome.exitCode).toBe(0);
    const rows = keyValues(root.stdout());
    expect(rows.get('path')).toBe(process.platform === 'win32' ? `${process.env.SystemDrive ?? 'C:'}\\` : '/');
    expect(rows.get('total')).toMatch(BYTES);
    for (const key of ['used', 'free', 'available']) expect(rows.get(key)).toMatch(SHARE);
    const cwd = await runCommand(disk, { args: process.cwd() });
    expect(keyValues(cwd.stdout()).get('path')).toBe(process.cwd());
  });

  it('disk: a bad path is BAD_ARGUMENTS naming the path', async () => {
    const { outcome, chunks } = await runCommand(disk, { args: '/no/such/tcpcmd path' });
    expect(outcome.exitCode).toBeNull();
    expect(outcome.error?.code).toBe(ErrorCode.BAD_ARGUMENTS);
    expect(outcome.error?.message).toContain('"/no/such/tcpcmd path": no such file or directory');
    expect(chunks).toEqual([]);
  });

  it('hostname (and its alias name): the host name', async () => {
    expect((await runCommand(hostname)).stdout()).toBe(`${osHostname()}\n`);
    const alias = await runCommand(hostname, { name: 'name', args: 'extra' });
    expect(alias.outcome.error).toEqual({ code: ErrorCode.BAD_ARGUMENTS, message: 'name: takes no arguments, got "extra"' });
  });

  it('ip: addresses per interface, family, internal marked', async () => {
    const { outcome, stdout } = await runCommand(ip);
    expect(outcome.exitCode).toBe(0);
    const text = stdout();
    for (const [name, addresses] of Object.entries(networkInterfaces())) {
      const first = addresses?.[0];
      if (first === undefined) continue;
      expect(text).toMatch(new RegExp(`^${name} +${first.family} +${(first.cidr ?? first.address).replace(/\./g, '\\.')}`, 'm'));
    }
    expect(text).toMatch(/IPv4 +127\.0\.0\.1\/8 +internal$/m);
  });

  it('uptime: system and server, as days and a clock', async () => {
    const rows = keyValues((await runCommand(uptime)).stdout());
    expect([...rows.keys()]).toEqual(['system', 'server']);
    for (const value of rows.values()) expect(value).toMatch(/^(\d+ days?, )?\d+:\d\d:\d\d$/);
  });

  it('version: tcpcmd, protocol and node', async () => {
    const rows = keyValues((await runCommand(version)).stdout());
    expect(Object.fromEntries(rows)).toEqual({ tcpcmd: VERSION, protocol: String(PROTOCOL_VERSION), node: process.version });
  });

  it('node [--version]: the Node.js version; anything else is BAD_ARGUMENTS', async () => {
    expect((await runCommand(node)).stdout()).toBe(`${process.version}\n`);
    expect((await runCommand(node, { args: '--version' })).stdout()).toBe(`${process.version}\n`);
    const bad = await runCommand(node, { args: '-e 1' });
    expect(bad.outcome.error).toEqual({ code: ErrorCode.BAD_ARGUMENTS, message: 'node: only "node --version" is supported, got "node -e 1"' });
  });

  it('every no-argument command refuses arguments', async () => {
    for (const command of [osCommand, cpu, ram, ip, uptime, version]) {
      const { outcome } = await runCommand(command, { args: 'extra' });
      expect(outcome.error).toEqual({ code: ErrorCode.BAD_ARGUMENTS, message: `${command.name}: takes no arguments, got "extra"` });
    }
  });
});

describe('system builtins: the same figures as data', () => {
  it('os: the text fields, distro null where there is none', async () => {
    const { outcome, stdout } = await runCommand(osCommand);
    const rows = keyValues(stdout());
    expect(outcome.data).toEqual({
      kind: 'os', type: rows.get('type'), platform: process.platform, release: rows.get('release'), arch: process.arch, distro: rows.get('distro') ?? null, hostname: osHostname(),
    });
  });

  it('cpu: usagePercent over windowMs, cores, load1/5/15 as numbers', async () => {
    const { outcome, stdout } = await runCommand(cpu);
    const rows = keyValues(stdout());
    const data = outcome.data;
    if (data?.kind !== 'cpu') throw new Error(`expected cpu data, got ${JSON.stringify(data)}`);
    expect(rows.get('usage')).toBe(data.usagePercent === null ? 'n/a' : `${data.usagePercent.toFixed(1)}%`);
    expect(data.windowMs).toBeGreaterThanOrEqual(MIN_WINDOW_MS - 1);
    expect(rows.get('cores')).toBe(`${data.cores} logical`);
    expect(rows.get('model')).toBe(data.model);
    if (process.platform !== 'win32') expect(rows.get('load')).toBe(`${[data.load1, data.load5, data.load15].map((n) => n?.toFixed(2)).join(', ')} (1, 5, 15 min)`);
  });

  it('ram and disk: bytes that add up, usagePercent of the total', async () => {
    for (const command of [ram, disk]) {
      const data = (await runCommand(command)).outcome.data;
      if (data?.kind !== 'ram' && data?.kind !== 'disk') throw new Error(`expected ${command.name} data, got ${JSON.stringify(data)}`);
      expect(data.kind).toBe(command.name);
      expect(data.totalBytes).toBeGreaterThan(0);
      expect(data.usedBytes).toBeLessThanOrEqual(data.totalBytes);
      expect(data.availableBytes).toBeLessThanOrEqual(data.totalBytes);
      expect(data.usagePercent).toBe(Math.round((data.usedBytes / data.totalBytes) * 1000) / 10);
    }
    const cwd = (await runCommand(disk, { args: process.cwd() })).outcome.data;
    expect(cwd).toMatchObject({ kind: 'disk', path: process.cwd() });
  });

  it('ip, uptime, hostname, version', async () => {
    const addresses = Object.entries(networkInterfaces()).flatMap(([name, list]) =>
      (list ?? []).map((a) => ({ name, family: a.family, address: a.address, cidr: a.cidr, internal: a.internal })));
    expect((await runCommand(ip)).outcome.data).toEqual({ kind: 'ip', addresses });
    const up = (await runCommand(uptime)).outcome.data;
    expect(up).toMatchObject({ kind: 'uptime', systemSeconds: expect.any(Number), serverSeconds: expect.any(Number) });
    expect((await runCommand(hostname)).outcome.data).toEqual({ kind: 'hostname', hostname: osHostname() });
    expect((await runCommand(version)).outcome.data).toEqual({ kind: 'version', tcpcmd: VERSION, protocol: PROTOCOL_VERSION, node: process.version });
  });

  it('no data from a refused run', async () => {
    expect((await runCommand(cpu, { args: 'x' })).outcome.data).toBeUndefined();
  });
});

describe('CpuWindow', () => {
  /** A window over a fake clock, whose counters grow 1 busy ms in 4 per ms. */
  function fake(): { window: CpuWindow; advance(ms: number): void; waits: number[] } {
    let now = 1_000_000;
    const waits: number[] = [];
    const window = new CpuWindow(() => now, (at) => ({ at, idle: at * 3, total: at * 4 }));
    return {
      window, waits, advance: (ms) => (now += ms),
    };
  }

  it('waits MIN_WINDOW_MS for a first call, then measures from the newest sample old enough, at once', async () => {
    const { window, advance, waits } = fake();
    const wait = async (ms: number): Promise<void> => {
      waits.push(ms);
      advance(ms);
    };
    expect(await window.measure(wait)).toEqual({ ms: MIN_WINDOW_MS, busy: MIN_WINDOW_MS, total: MIN_WINDOW_MS * 4 });
    advance(2_000);
    expect(await window.measure(wait)).toEqual({ ms: 2_000, busy: 2_000, total: 8_000 });
    // Another session right after: the same reading (within SHARED_READING_MS), not a fresh wait.
    advance(10);
    expect((await window.measure(wait)).ms).toBe(2_000);
    // Later than that: a reading of its own, from the newest sample old enough.
    advance(SHARED_READING_MS);
    expect((await window.measure(wait)).ms).toBe(2_000 + 10 + SHARED_READING_MS);
    expect(waits).toEqual([MIN_WINDOW_MS]);
  });

  it('waits only what is left of MIN_WINDOW_MS, and starts over after MAX_WINDOW_MS', async () => {
    const { window, advance, waits } = fake();
    const wait = async (ms: number): Promise<void> => {
      waits.push(ms);
      advance(ms);
    };
    await window.measure(wait); // samples at 0 and 250
    advance(MAX_WINDOW_MS - 150);
    expect((await window.measure(wait)).ms).toBe(MAX_WINDOW_MS - 150); // from 250; the one at 0 is too old
    advance(200); // the one at 250 is too old now, the last one only 200 ms old: wait 50 more
    expect((await window.measure(wait)).ms).toBe(MIN_WINDOW_MS);
    advance(MAX_WINDOW_MS + 1);
    expect((await window.measure(wait)).ms).toBe(MIN_WINDOW_MS);
    expect(waits).toEqual([MIN_WINDOW_MS, 50, MIN_WINDOW_MS]);
  });

  it('calls at once share readings: two samples for a burst that waits, one for a burst that does not', async () => {
    let now = 1_000_000;
    let samples = 0;
    const window = new CpuWindow(() => now, (at) => {
      samples++;
      return { at, idle: at * 3, total: at * 4 };
    });
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const burst = Array.from({ length: 100 }, () => window.measure(() => gate));
    now += MIN_WINDOW_MS;
    release();
    expect((await Promise.all(burst)).map((w) => w.ms)).toEqual(Array.from({ length: 100 }, () => MIN_WINDOW_MS));
    expect(samples).toBe(2);
    now += 1_000;
    const later = await Promise.all(Array.from({ length: 100 }, () => window.measure(() => gate)));
    expect(later.map((w) => w.ms)).toEqual(Array.from({ length: 100 }, () => 1_000));
    expect(samples).toBe(3);
  });

  it('an aborted wait rejects, and the next call measures as before', async () => {
    const { window, advance } = fake();
    await expect(window.measure(async () => Promise.reject(new Error('aborted')))).rejects.toThrow('aborted');
    advance(300);
    expect((await window.measure(async () => undefined)).ms).toBe(300);
  });
});
