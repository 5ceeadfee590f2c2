/**
 * What the page and the `ui` process say to each other over the WebSocket,
 * one JSON object per message. Types only: the page imports them too.
 */
import type { HostFigures } from '../client/metrics.js';

/** A server of servers.csv, as the page sees it (never its token). */
export interface ListedServer {
  name: string;
  /** host:port. */
  key: string;
}

/** One poll's figures of a server, as the dashboard draws them. */
export type Metrics = Pick<
  HostFigures,
  'cpuPercent' | 'ramPercent' | 'ramUsedBytes' | 'ramTotalBytes' | 'diskPercent' | 'diskUsedBytes' | 'diskTotalBytes'
> & { at: number };

export interface FleetServer extends ListedServer {
  state: 'connecting' | 'up' | 'down';
  /** Why it is down, in the CLI's words. */
  message?: string;
  hostname?: string;
  version?: string;
  /** Oldest first, one per poll, the last minutes. */
  samples: Metrics[];
}

export interface RunEnd {
  exitCode: number | null;
  durationMs: number;
  cancelled: boolean;
  timedOut: boolean;
  truncated: boolean;
  /** `CODE: message` when the run did not complete normally. */
  error?: string;
}

export type PageMessage =
  | { t: 'open'; tab: string; host: string; port: string }
  | { t: 'openListed'; tab: string; name: string }
  | { t: 'close'; tab: string }
  | { t: 'run'; tab: string; run: number; command: string }
  | { t: 'cancel'; tab: string; run: number }
  | { t: 'fleetRun'; run: number; command: string; keys: string[] };

export type UiMessage =
  | { t: 'hello'; servers: ListedServer[]; targetsFile: string | null; version: string; uploadLimit: number }
  | { t: 'opened'; tab: string; where: string; name: string; server: string; hostname: string; commands: string[]; transcript: string }
  | { t: 'openFailed'; tab: string; message: string }
  | { t: 'status'; tab: string; level: 'ok' | 'warn' | 'error'; message: string; commands?: string[] }
  | { t: 'out'; tab: string; run: number; stream: 'stdout' | 'stderr'; data: string }
  | ({ t: 'done'; tab: string; run: number } & RunEnd)
  | { t: 'fleet'; servers: FleetServer[] }
  | ({ t: 'fleetResult'; run: number; key: string; stdout: string; stderr: string } & RunEnd)
  | { t: 'batchProgress'; batch: string; done: number; total: number; ok: number; notOk: number }
  | { t: 'batchRow'; batch: string; row: BatchRow };

/** A results-table row (the transcript's columns the page shows). */
export interface BatchRow {
  seq: number;
  name: string;
  target: string;
  command: string;
  status: string;
  exit_code: number | null;
  duration_ms: number;
  stdout: string;
  stderr: string;
  error: string;
}

/** The answer to POST /api/batch. */
export type BatchAnswer =
  | { ok: true; batch: string; exitCode: number; rows: number; counts: Record<string, number>; durationMs: number }
  | { ok: false; message: string; problems: { line: number | null; text: string }[] };
