import { readFileSync } from 'node:fs';

/** A /proc/PID/status field, or undefined when the process is gone. */
function statusField(pid: number, field: string): string | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1];
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in KiB (VmRSS). */
export function rssKib(pid: number): number {
  return Number.parseInt(statusField(pid, 'VmRSS') ?? '0', 10);
}

/**
 * Gone, or a zombie: PID 1 in this container does not reap orphans, so a
 * killed grandchild may linger as `State: Z`, which is dead.
 */
export function isDead(pid: number): boolean {
  const state = statusField(pid, 'State');
  return state === undefined || state.startsWith('Z') || state.startsWith('X');
}

/** Polls `check` every 50 ms for up to `ms`; true as soon as it holds. */
export async function eventually(check: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kills processes a test started, by pid, ignoring those already gone. */
export function killPids(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Reads pids written one per line by a test command; waits until `count` are there. */
export async function readPids(file: string, count: number, ms = 5_000): Promise<number[]> {
  let pids: number[] = [];
  await eventually(() => {
    try {
      pids = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      pids = [];
    }
    return pids.length >= count;
  }, ms);
  return pids;
}
