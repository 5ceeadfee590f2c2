let lastMs = -1;
let lastIso = '';

/**
 * `ms` as ISO 8601 UTC. A busy server logs, and a batch writes, many lines
 * per millisecond: the string is made once per millisecond.
 */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
