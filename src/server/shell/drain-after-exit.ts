import { killTree } from './kill-tree.js';
import type { OutputPump } from './output-pump.js';

/** How long the pipes may stay open after the main process exits. */
export const DRAIN_GRACE_MS = 200;

/**
 * Waits for the output of a main process that has exited. Leftover processes
 * of its group (`cmd &`) inherit the pipes and may hold them open for ever, yet
 * the run must end. So: give the pipes a short grace to deliver what is in
 * them, then kill the group (the kernel then closes every member's end of the
 * pipes; what is already in them is still read), then stop any stream that
 * stays silent though nothing holds it back (a process that left the group
 * with setsid, or Windows, where an exited parent's tree can't be walked).
 * A stream paused for backpressure is never stopped: that is the client being
 * slow, not the pipe being held.
 */
export async function drainAfterExit(pid: number, pumps: readonly OutputPump[], graceMs = DRAIN_GRACE_MS): Promise<void> {
  const all = Promise.all(pumps.map((pump) => pump.done));
  if (await settledWithin(all, graceMs)) return;
  killTree(pid);
  for (;;) {
    const before = pumps.map((pump) => pump.progress);
    if (await settledWithin(all, graceMs)) return;
    pumps.forEach((pump, i) => {
      if (!pump.ended && !pump.writing && pump.progress === before[i]) pump.stop();
    });
  }
}

/** True when `promise` settles (either way) within `ms`. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
