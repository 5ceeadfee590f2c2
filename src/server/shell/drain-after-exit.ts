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
  if (pumps.every((pump) => pump.ended)) return; // the usual case: no timer to arm
  let finished = false;
  const all = Promise.all(pumps.map((pump) => pump.done)).then(
    () => void (finished = true),
    () => void (finished = true),
  );
  if (await settledWithin(all, graceMs)) return;
  killTree(pid);
  // Polled with a flag, not a new reaction per turn: a client that stopped reading may keep this loop going a long time.
  while (!finished) {
    const before = pumps.map((pump) => pump.progress);
    await new Promise((resolve) => setTimeout(resolve, graceMs));
    if (finished) return;
    pumps.forEach((pump, i) => {
      if (!pump.ended && !pump.writing && pump.progress === before[i]) pump.stop();
    });
  }
}

/** True when `promise` settles within `ms`. */
function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
