import { killTree } from './kill-tree.js';

/** Main processes of runs still going, each the leader of its process group. */
const live = new Set<number>();

export function trackProcess(pid: number, settled: Promise<unknown>): void {
  live.add(pid);
  const forget = (): void => void live.delete(pid);
  settled.then(forget, forget);
}

/**
 * Kills every run's process tree at once, synchronously. For a server process
 * that must exit now (a second Ctrl+C, an uncaught error): its children sit in
 * process groups of their own, so without this they would outlive it.
 */
export function killAllProcesses(): void {
  for (const pid of live) killTree(pid);
  live.clear();
}
