import { hostname as osHostname, networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, TcpcmdError, VERSION } from '../../../src/protocol/index.js';
import { cpu } from '../../../src/server/builtins/cpu.js';
import { disk } from '../../../src/server/builtins/disk.js';
import { hostname } from '../../../src/server/builtins/hostname.js';
import { ip } from '../../../src/server/builtins/ip.js';
import { node } from '../../../src/server/builtins/node.js';
import { osCommand } from '../../../src/server/builtins/os.js';
import { ram } from '../../../src/server/builtins/ram.js';
import { uptime } from '../../../src/server/builtins/uptime.js';
import { version } from '../../../src/server/builtins/version.js';
import { makeHarness, runCommand } from '../run-context.js';

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
    expect(outcome).toEqual({ exitCode: 0 });
    const rows = keyValues(stdout());
    expect(rows.get('platform')).toBe(process.platform);
    expect(rows.get('arch')).toBe(process.arch);
    expect(rows.get('hostname')).toBe(osHostname());
    expect([...rows.keys()].filter((k) => k !== 'distro')).toEqual(['type', 'platform', 'release', 'arch', 'hostname']);
  });

  it('cpu: usage %, model, logical cores, load average', async () => {
    const { outcome, stdout } = await runCommand(cpu);
    expect(outcome).toEqual({ exitCode: 0 });
    const rows = keyValues(stdout());
    expect(rows.get('usage')).toMatch(/^(\d+\.\d%|n\/a)$/);
    expect(rows.get('model')).toBeTruthy();
    expect(rows.get('cores')).toMatch(/^\d+ logical$/);
    expect(rows.get('load')).toMatch(process.platform === 'win32' ? /^n\/a$/ : /^\d+\.\d\d, \d+\.\d\d, \d+\.\d\d \(1, 5, 15 min\)$/);
  });

  it('cpu: stops sampling when the run is aborted', async () => {
    const harness = makeHarness(cpu);
    const running = cpu.run(harness.ctx);
    harness.controller.abort(new TcpcmdError(ErrorCode.CANCELLED, 'cancelled'));
    expect(await running).toEqual({ exitCode: null });
    expect(harness.chunks).toEqual([]);
  });

  it('ram: total, used, free, available with units and shares', async () => {
    const { outcome, stdout } = await runCommand(ram);
    expect(outcome).toEqual({ exitCode: 0 });
    const rows = keyValues(stdout());
    expect([...rows.keys()]).toEqual(['total', 'used', 'free', 'available']);
    expect(rows.get('total')).toMatch(BYTES);
    for (const key of ['used', 'free', 'available']) expect(rows.get(key)).toMatch(SHARE);
  });

  it('disk: the system disk by default, or the file system of a path', async () => {
    const root = await runCommand(disk);
    expect(root.outcome).toEqual({ exitCode: 0 });
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
    expect(outcome).toEqual({ exitCode: 0 });
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
