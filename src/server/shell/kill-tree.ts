import { spawn } from 'node:child_process';

/**
 * Kills a child and everything it started, at once and without mercy (a run
 * that is told to stop must not linger). Best effort and never throws: it is
 * called from event handlers, and a tree that is already gone is the goal.
 *
 * POSIX: the child was spawned `detached`, so it leads its own process group
 * and `-pid` addresses the whole group. Windows has no groups: `taskkill /T`
 * walks the tree by parent pid.
 */
export function killTree(pid: number): void {
  if (process.platform === 'win32') {
    const taskkill = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    taskkill.on('error', () => {
      // No taskkill (very unusual): at least kill the main process.
      killQuietly(pid);
    });
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the group is gone already. Anything else (EPERM): fall back to the main process.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') killQuietly(pid);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or not ours: nothing more can be done.
  }
}
