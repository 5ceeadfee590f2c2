import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, TcpcmdError } from '../../../src/protocol/index.js';
import { ping } from '../../../src/server/builtins/ping.js';
import { isHost, parsePingArguments } from '../../../src/server/builtins/ping-arguments.js';
import { eventually, makeHarness, runCommand } from '../run-context.js';

// HARD RULE for this file: the only hosts ever pinged are the loopback addresses 127.0.0.1 and ::1.
// Other names appear only in pure validation tests, which never start a process.

const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === '::1'));

describe('ping argument validation (no process is started)', () => {
  it('accepts host names, IPv4 and IPv6 addresses', () => {
    for (const host of ['localhost', 'example.com', 'example.com.', 'a-b.c1', 'xn--bcher-kva.example', '127.0.0.1', '::1', '2001:db8::1', 'fe80::1%eth0']) {
      expect(isHost(host), host).toBe(true);
    }
  });

  it('refuses options, shell syntax and malformed names', () => {
    for (const host of ['-f', '--help', '-c', 'a;b', '$(x)', '`x`', 'a|b', 'a&b', '127.0.0.1;ls', '>x', 'a\\b', '..', 'a..b', '-a.b', 'a-.b',
      'host_name', 'x'.repeat(64), '1.2.3', '999.1.1.1', '::1%$(x)', '::1%a%b', 'fe80::1%', '', 'é.com']) {
      expect(isHost(host), host).toBe(false);
    }
  });

  it('refuses a count outside 1..20 or not a whole number', () => {
    for (const count of ['0', '21', 'abc', '1.5', '-1', '+3', '1e1', '0x5', '100000']) {
      expect(parsePingArguments(['127.0.0.1', count])).toEqual({ error: `ping: count must be a whole number from 1 to 20, got "${count}"` });
    }
    expect(parsePingArguments(['127.0.0.1'])).toEqual({ host: '127.0.0.1', count: 4 });
    expect(parsePingArguments(['127.0.0.1', '20'])).toEqual({ host: '127.0.0.1', count: 20 });
  });

  it('says what is expected when the host is missing or there are too many arguments', () => {
    expect(parsePingArguments([])).toEqual({ error: 'ping: expected a host, e.g. ping 127.0.0.1 4' });
    expect(parsePingArguments(['127.0.0.1', '2', '3'])).toEqual({ error: 'ping: expected at most 2 arguments (host and count), got 3: "127.0.0.1 2 3"' });
  });

  it('answers BAD_ARGUMENTS through the command, writing nothing', async () => {
    for (const args of ['-f', 'a;b', '$(x)', '127.0.0.1 0', '127.0.0.1 21', '127.0.0.1 abc', '']) {
      const { outcome, chunks } = await runCommand(ping, { args });
      expect(outcome.exitCode, args).toBeNull();
      expect(outcome.error?.code, args).toBe(ErrorCode.BAD_ARGUMENTS);
      expect(chunks).toEqual([]);
    }
    const { outcome } = await runCommand(ping, { args: '-f' });
    expect(outcome.error?.message).toBe('ping: host must be a host name (letters, digits, "." and "-", not starting with "-"), an IPv4 or an IPv6 address, got "-f"');
  });
});

describe.skipIf(process.platform === 'win32')('ping of the loopback', () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('pings 127.0.0.1, streaming the replies', async () => {
    const { outcome, stdout, chunks } = await runCommand(ping, { args: '127.0.0.1 2' });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toMatch(/^PING 127\.0\.0\.1/);
    expect(stdout()).toMatch(/icmp_seq=2/);
    expect(stdout()).toMatch(/2 packets transmitted, 2 received/);
    expect(chunks.length).toBeGreaterThan(1); // as ping printed it, not in one lump at the end
  });

  it.skipIf(!hasIPv6Loopback)('pings ::1', async () => {
    const { outcome, stdout } = await runCommand(ping, { args: '::1 1' });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toMatch(/1 packets transmitted, 1 received/);
  });

  it('stops pinging when the run is aborted', async () => {
    const harness = makeHarness(ping, { args: '127.0.0.1 20' });
    const running = ping.run(harness.ctx);
    expect(await eventually(() => harness.stdout().includes('icmp_seq=1'))).toBe(true);
    harness.controller.abort(new TcpcmdError(ErrorCode.CANCELLED, 'cancelled'));
    expect(await running).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(harness.stdout()).not.toMatch(/20 packets transmitted/);
  });

  it('says how to install ping where there is none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tcpcmd-nopath-'));
    try {
      process.env.PATH = empty;
      const { outcome } = await runCommand(ping, { args: '127.0.0.1 1' });
      expect(outcome).toEqual({
        exitCode: null,
        error: { code: ErrorCode.SPAWN_FAILED, message: 'this server has no ping program (on Debian: apt-get install iputils-ping)' },
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
