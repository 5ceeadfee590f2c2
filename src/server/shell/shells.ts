import { ErrorCode, type ErrorInfo } from '../../protocol/index.js';

export type ShellName = 'linux' | 'dos' | 'powershell';

export const SHELL_NAMES: readonly ShellName[] = ['linux', 'dos', 'powershell'];

/** How to start a shell for one command line. */
export interface ShellInvocation {
  file: string;
  args: string[];
  /** cmd.exe parses its own command line: hand it over untouched, as Node does for `shell: true`. */
  windowsVerbatimArguments?: boolean;
}

/**
 * Which shell runs a prefix on `platform`: `linux:` is /bin/sh on every
 * non-Windows system; `dos:` and `powershell:` exist on Windows only. On the
 * wrong platform the answer is a NOT_SUPPORTED_ON_THIS_OS error that says
 * what this server runs and which prefix to use instead.
 */
export function shellFor(shell: ShellName, command: string, platform: NodeJS.Platform = process.platform): ShellInvocation | { error: ErrorInfo } {
  const windows = platform === 'win32';
  switch (shell) {
    case 'linux':
      if (windows) return notHere(shell, 'a Linux or other POSIX server', platform, 'dos:<cmd> or powershell:<cmd>');
      return { file: '/bin/sh', args: ['-c', command] };
    case 'dos':
      if (!windows) return notHere(shell, 'a Windows server', platform, 'linux:<cmd>');
      return { file: 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], windowsVerbatimArguments: true };
    case 'powershell':
      if (!windows) return notHere(shell, 'a Windows server', platform, 'linux:<cmd>');
      return { file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', command] };
  }
}

function notHere(shell: ShellName, needs: string, platform: NodeJS.Platform, instead: string): { error: ErrorInfo } {
  return {
    error: {
      code: ErrorCode.NOT_SUPPORTED_ON_THIS_OS,
      message: `${shell}: commands need ${needs}; this server runs ${osName(platform)} — use ${instead}`,
    },
  };
}

const OS_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows', freebsd: 'FreeBSD', openbsd: 'OpenBSD', sunos: 'SunOS', aix: 'AIX' };

/** A person's name for a platform, e.g. `Windows` for win32. */
export function osName(platform: NodeJS.Platform): string {
  return OS_NAMES[platform] ?? platform;
}
