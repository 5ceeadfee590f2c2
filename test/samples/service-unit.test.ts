// samples/tcpcmd.service is a unit systemd accepts, and it says what docs/fleet.md says it does.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';

const UNIT = fileURLToPath(new URL('../../samples/tcpcmd.service', import.meta.url));

function missingAnalyze(): string | undefined {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    // CI installs it (.ci/run): there, a missing tool is a failure, not a skip.
    return process.env.CI ? undefined : 'systemd-analyze is not installed (Debian package systemd; .ci/run installs it)';
  }
}

/** The unit's settings, `key -> values` (a key may repeat), continuation lines joined. */
function settings(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.replace(/\\\n\s*/g, ' ').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    map.set(key, [...(map.get(key) ?? []), value.trim()]);
  }
  return map;
}

describe('samples/tcpcmd.service', () => {
  it('passes systemd-analyze verify with nothing to say', async (ctx) => {
    const missing = missingAnalyze();
    if (missing) {
      console.warn(`skipped: ${missing}`);
      ctx.skip();
    }
    // verify checks that ExecStart's program exists: point it at this checkout's binary, the rest as shipped.
    const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-unit-test-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const unit = join(dir, 'tcpcmd.service');
    const text = await readFile(UNIT, 'utf8');
    expect(text).toContain('ExecStart=/usr/local/bin/tcpcmd serve');
    await writeFile(unit, text.replace('ExecStart=/usr/local/bin/tcpcmd ', `ExecStart=${BIN} `));
    const { stdout, stderr } = await promisify(execFile)('systemd-analyze', ['verify', '--man=no', unit], { timeout: 15_000 });
    // verify exits 0 on unknown keys and bad values too: its warnings are the failure.
    expect(stdout + stderr).toBe('');
  });

  it('runs serve as its own user with the token from a file, TLS, JSON logs, a restart on failure and the hardening', async () => {
    const s = settings(await readFile(UNIT, 'utf8'));
    const exec = s.get('ExecStart')?.[0] ?? '';
    expect(s.get('User')).toEqual(['tcpcmd']);
    expect(exec).toMatch(/ serve .*--token-file \$\{CREDENTIALS_DIRECTORY\}\/token/);
    expect(exec).toMatch(/--tls-cert \S+ --tls-key \$\{CREDENTIALS_DIRECTORY\}\/tls\.key/);
    expect(exec).toContain('--log-format json');
    expect(s.get('LoadCredential')).toEqual(['token:/etc/tcpcmd/token', 'tls.key:/etc/tcpcmd/tls.key']);
    expect(s.get('Restart')).toEqual(['on-failure']);
    for (const [key, value] of Object.entries({ NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes', AmbientCapabilities: '' })) {
      expect(s.get(key), key).toEqual([value]);
    }
    // Node's JIT needs writable executable memory: this one would keep the server from starting.
    expect(s.has('MemoryDenyWriteExecute')).toBe(false);
  });
});
