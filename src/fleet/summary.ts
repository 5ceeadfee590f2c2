/** What `exec` on many servers says at the end, and its exit code. */
import { targetError, targetLabel } from '../batch/targets.js';
import { Exit } from '../protocol/index.js';
import { succeeded, type FanOutOutcome } from './fan-out.js';

export interface FanOutSummary {
  ok: number;
  failed: number;
  unreachable: number;
  /** The tally and one line per server that failed (none when all went well). */
  lines: string[];
  /** 0 every server ran it with exit 0; 3 none could be reached; 1 otherwise. */
  exitCode: typeof Exit.OK | typeof Exit.FAILED | typeof Exit.CONNECT;
}

/** One line about a server that did not run the command to exit 0: `web-b (10.0.0.5:10000): exit 3`. */
export function failureLine(o: FanOutOutcome): string {
  if (o.error) return targetError(o.target, o.error.code, o.error.message);
  return `${targetLabel(o.target)}: exit ${o.exitCode ?? 'none'}`;
}

/** A server's outcome as one JSON object (`exec --targets --json`): name, address, exit code, figures or error. */
export function outcomeJson(o: FanOutOutcome): Record<string, unknown> {
  return {
    name: o.target.name,
    target: o.target.key,
    exitCode: o.exitCode,
    data: o.data ?? null,
    ...(o.error ? { error: o.error } : {}),
  };
}

export function summarizeFanOut(outcomes: readonly FanOutOutcome[]): FanOutSummary {
  let ok = 0;
  let unreachable = 0;
  const failures: string[] = [];
  for (const o of outcomes) {
    if (succeeded(o)) ok++;
    else {
      if (!o.reached) unreachable++;
      failures.push(`  ${failureLine(o)}`);
    }
  }
  const failed = outcomes.length - ok - unreachable;
  const exitCode = outcomes.length > 0 && unreachable === outcomes.length ? Exit.CONNECT : ok === outcomes.length ? Exit.OK : Exit.FAILED;
  const tally = `tcpcmd exec: ${outcomes.length} ${outcomes.length === 1 ? 'server' : 'servers'}: ${ok} ok, ${failed} failed, ${unreachable} unreachable`;
  return { ok, failed, unreachable, lines: failures.length === 0 ? [] : [tally, ...failures], exitCode };
}
