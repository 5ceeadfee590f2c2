import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/index.js';
import { python } from '../../../src/server/builtins/python.js';
import { runCommand } from '../run-context.js';

const hasPython = ['python3', 'python'].some((file) => spawnSync(file, ['--version'], { stdio: 'ignore' }).status === 0);

describe('python', () => {
  const savedPath = process.env.PATH;
  let dir: string | undefined;
  afterEach(() => {
    process.env.PATH = savedPath;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it.skipIf(!hasPython)('prints the Python version of the server', async () => {
    const { outcome, stdout, stderr } = await runCommand(python, { args: '--version' });
    expect(outcome).toEqual({ exitCode: 0 });
    // Python 3 prints it on stdout, Python 2 on stderr.
    expect(stdout() + stderr()).toMatch(/^Python \d+\.\d+/);
  });

  it('answers SPAWN_FAILED when there is no python on the PATH', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcmd-nopython-'));
    process.env.PATH = dir;
    const { outcome } = await runCommand(python);
    expect(outcome).toEqual({ exitCode: null, error: { code: ErrorCode.SPAWN_FAILED, message: 'no python on this server: neither python3 nor python is on its PATH' } });
  });

  it.skipIf(process.platform === 'win32')('falls back to python when there is no python3', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcmd-python2-'));
    const fake = join(dir, 'python');
    writeFileSync(fake, '#!/bin/sh\necho "Python 2.7.18 (fake) $*" >&2\n');
    chmodSync(fake, 0o755);
    process.env.PATH = dir;
    const { outcome, stderr } = await runCommand(python, { args: '-V' });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stderr()).toBe('Python 2.7.18 (fake) --version\n');
  });

  it('refuses anything but --version', async () => {
    const { outcome } = await runCommand(python, { args: '-c print(1)' });
    expect(outcome).toEqual({ exitCode: null, error: { code: ErrorCode.BAD_ARGUMENTS, message: 'python: only "python --version" is supported, got "python -c print(1)"' } });
  });
});
