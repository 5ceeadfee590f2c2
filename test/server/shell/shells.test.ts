import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/index.js';
import { dos, linux, powershell } from '../../../src/server/builtins/shells.js';
import { osName, shellFor } from '../../../src/server/shell/shells.js';
import { runCommand } from '../run-context.js';

describe('shellFor', () => {
  it('runs linux: with /bin/sh on every non-Windows platform', () => {
    for (const platform of ['linux', 'darwin', 'freebsd'] as const) {
      expect(shellFor('linux', 'ls -l', platform)).toEqual({ file: '/bin/sh', args: ['-c', 'ls -l'] });
    }
  });

  it('runs dos: with cmd.exe and powershell: with powershell.exe on Windows', () => {
    expect(shellFor('dos', 'dir C:\\', 'win32')).toEqual({ file: 'cmd.exe', args: ['/d', '/s', '/c', '"dir C:\\"'], windowsVerbatimArguments: true });
    expect(shellFor('powershell', 'Get-Date', 'win32')).toEqual({ file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', 'Get-Date'] });
  });

  it('refuses a prefix on the wrong platform, saying what the server runs and what to use', () => {
    expect(shellFor('dos', 'dir', 'linux')).toEqual({
      error: { code: ErrorCode.NOT_SUPPORTED_ON_THIS_OS, message: 'dos: commands need a Windows server; this server runs Linux — use linux:<cmd>' },
    });
    expect(shellFor('powershell', 'ls', 'darwin')).toMatchObject({ error: { message: expect.stringContaining('this server runs macOS — use linux:<cmd>') } });
    expect(shellFor('linux', 'ls', 'win32')).toMatchObject({
      error: { code: ErrorCode.NOT_SUPPORTED_ON_THIS_OS, message: expect.stringContaining('this server runs Windows — use dos:<cmd> or powershell:<cmd>') },
    });
  });

  it('names platforms for people', () => {
    expect(osName('win32')).toBe('Windows');
    expect(osName('haiku' as NodeJS.Platform)).toBe('haiku');
  });
});

describe.skipIf(process.platform === 'win32')('shell commands on a POSIX server', () => {
  it('linux: gives the real exit code, stdout and stderr apart', async () => {
    const { outcome, stdout, stderr } = await runCommand(linux, { args: 'echo out; echo err >&2; exit 3' });
    expect(outcome).toEqual({ exitCode: 3 });
    expect(stdout()).toBe('out\n');
    expect(stderr()).toBe('err\n');
  });

  it('linux: runs shell syntax (pipes, variables, quoting)', async () => {
    const { outcome, stdout } = await runCommand(linux, { args: `x='a b'; printf '%s\\n' "$x" | tr a-z A-Z` });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toBe('A B\n');
  });

  it('linux: with no command is BAD_ARGUMENTS', async () => {
    const { outcome } = await runCommand(linux, { args: '  ' });
    expect(outcome.exitCode).toBeNull();
    expect(outcome.error?.code).toBe(ErrorCode.BAD_ARGUMENTS);
    expect(outcome.error?.message).toContain('expected a command after "linux:"');
  });

  it('dos: and powershell: are NOT_SUPPORTED_ON_THIS_OS, pointing to linux:', async () => {
    for (const command of [dos, powershell]) {
      const { outcome, chunks } = await runCommand(command, { args: 'dir' });
      expect(outcome.exitCode).toBeNull();
      expect(outcome.error?.code).toBe(ErrorCode.NOT_SUPPORTED_ON_THIS_OS);
      expect(outcome.error?.message).toMatch(new RegExp(`^${command.name}: commands need a Windows server; this server runs \\S+ — use linux:<cmd>$`));
      expect(chunks).toEqual([]);
    }
  });
});
