/**
 * How long a reading of the system (the cores' counters, /proc/meminfo, a
 * file system's statfs) answers the calls that come after it. A monitor
 * polling a few servers never notices; a burst of calls (a fleet of sessions
 * asking at once, or a thousand simulated servers in one process) reads the
 * system once per period instead of once per call, each of which was a file
 * read or two.
 */
export const SHARED_READING_MS = 50;

/**
 * A reading shared by the calls within SHARED_READING_MS of it (the one
 * under way included); a failed one is not shared.
 */
export class RecentReading<T> {
  private at = 0;
  private value: Promise<T> | undefined;

  constructor(private readonly read: () => Promise<T>, private readonly clock: () => number = () => performance.now()) {}

  get(): Promise<T> {
    const now = this.clock();
    if (this.value === undefined || now - this.at > SHARED_READING_MS) {
      const value = this.read();
      this.at = now;
      this.value = value;
      value.catch(() => {
        if (this.value === value) this.value = undefined;
      });
    }
    return this.value;
  }
}

/** RecentReading per key (a path), keeping only the readings that are still fresh, and at most `limit` of them. */
export class RecentReadings<T> {
  private readonly byKey = new Map<string, RecentReading<T>>();
  private last = 0;

  constructor(private readonly read: (key: string) => Promise<T>, private readonly limit = 16, private readonly clock: () => number = () => performance.now()) {}

  get(key: string): Promise<T> {
    const now = this.clock();
    // All of them are stale once the newest is: start over rather than keep a map of every path ever asked for.
    if (now - this.last > SHARED_READING_MS || this.byKey.size >= this.limit) this.byKey.clear();
    this.last = now;
    let reading = this.byKey.get(key);
    if (!reading) {
      reading = new RecentReading(() => this.read(key), this.clock);
      this.byKey.set(key, reading);
    }
    return reading.get();
  }
}

/** A synchronous reading (os.loadavg(), os.uptime(), os.hostname(): each a system call or a file read) shared the same way. */
export function recentValue<T>(read: () => T, clock: () => number = () => performance.now()): () => T {
  let at = 0;
  let value: { v: T } | undefined;
  return () => {
    const now = clock();
    if (value === undefined || now - at > SHARED_READING_MS) {
      value = { v: read() };
      at = now;
    }
    return value.v;
  };
}
