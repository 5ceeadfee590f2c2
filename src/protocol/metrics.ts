/**
 * The figures of the supervision builtins as data (docs/protocol.md, "Data"):
 * what a `done` frame's `data` holds when the session negotiated the `data`
 * feature. Units are in the field names (`Bytes`, `Percent`, `Seconds`, `Ms`).
 * Percentages have one decimal, as the text answers show them.
 */

/** Hello features a client may ask for; the server's hello lists those it grants. */
export const Feature = {
  /** `done` frames of the supervision builtins carry `data`. */
  DATA: 'data',
  /** `out` frames may carry bytes that are not UTF-8, as base64 (`encoding: "base64"`). */
  BYTES: 'bytes',
  /** `run` frames may ask for stdin, sent in `stdin` frames. */
  STDIN: 'stdin',
  /** A `done` frame may carry the run's last piece of text output (`stdout` or `stderr`), sent with it instead of in an `out` frame of its own. */
  DONE_OUTPUT: 'done-output',
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

export interface OsData {
  kind: 'os';
  /** `os.type()`: `Linux`, `Darwin`, `Windows_NT`. */
  type: string;
  /** `linux`, `darwin`, `win32`, ... */
  platform: string;
  release: string;
  arch: string;
  /** PRETTY_NAME of /etc/os-release; null where there is none. */
  distro: string | null;
  hostname: string;
}

export interface CpuData {
  kind: 'cpu';
  /** Busy share of all cores over `windowMs`; null when the system reports no times. */
  usagePercent: number | null;
  /** The time the usage was measured over (see docs/protocol.md: it may end an earlier `cpu` call's window). */
  windowMs: number;
  model: string;
  /** Logical cores. */
  cores: number;
  /** Load averages over 1, 5 and 15 minutes; null on Windows, which has none. */
  load1: number | null;
  load5: number | null;
  load15: number | null;
}

/** Bytes of a memory or a file system, and the used share. */
export interface SpaceData {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  /** What can still be had: free plus reclaimable cache (RAM), free minus root's reserve (disk). */
  availableBytes: number;
  /** usedBytes of totalBytes; null when totalBytes is 0. */
  usagePercent: number | null;
}

export interface RamData extends SpaceData {
  kind: 'ram';
}

export interface DiskData extends SpaceData {
  kind: 'disk';
  path: string;
}

export interface InterfaceAddress {
  /** The interface, e.g. `eth0`. */
  name: string;
  family: 'IPv4' | 'IPv6';
  address: string;
  /** `address/prefix`; null when the system does not say. */
  cidr: string | null;
  internal: boolean;
}

export interface IpData {
  kind: 'ip';
  addresses: InterfaceAddress[];
}

export interface UptimeData {
  kind: 'uptime';
  systemSeconds: number;
  serverSeconds: number;
}

export interface HostnameData {
  kind: 'hostname';
  hostname: string;
}

export interface VersionData {
  kind: 'version';
  tcpcmd: string;
  protocol: number;
  node: string;
}

/** A builtin's figures; `kind` names the command (also when it was called by an alias). */
export type RunData = OsData | CpuData | RamData | DiskData | IpData | UptimeData | HostnameData | VersionData;
export type RunDataKind = RunData['kind'];

/** A share as a percentage with one decimal; null without a whole. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

type FieldType = 'string' | 'number' | 'boolean' | 'string?' | 'number?';

const SPACE: Record<string, FieldType> = { totalBytes: 'number', usedBytes: 'number', freeBytes: 'number', availableBytes: 'number', usagePercent: 'number?' };

/** Each kind's fields and their types (`?`: or null): what a client checks. */
const SCHEMAS: Record<RunDataKind, Record<string, FieldType>> = {
  os: { type: 'string', platform: 'string', release: 'string', arch: 'string', distro: 'string?', hostname: 'string' },
  cpu: { usagePercent: 'number?', windowMs: 'number', model: 'string', cores: 'number', load1: 'number?', load5: 'number?', load15: 'number?' },
  ram: SPACE,
  disk: { ...SPACE, path: 'string' },
  ip: {},
  uptime: { systemSeconds: 'number', serverSeconds: 'number' },
  hostname: { hostname: 'string' },
  version: { tcpcmd: 'string', protocol: 'number', node: 'string' },
};
const ADDRESS: Record<string, FieldType> = { name: 'string', address: 'string', cidr: 'string?', internal: 'boolean' };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first field of `v` that is not as `schema` says, or undefined. */
function wrongField(v: Record<string, unknown>, schema: Record<string, FieldType>): string | undefined {
  for (const [name, type] of Object.entries(schema)) {
    const value = v[name];
    if (type.endsWith('?') && value === null) continue;
    const want = type.replace('?', '');
    if (typeof value !== want || (want === 'number' && !Number.isFinite(value))) return name;
  }
  return undefined;
}

/**
 * A `done` frame's `data` as sent by a server: the data, `undefined` for a
 * kind this client does not know (a newer server's: ignored, not an error),
 * or a string saying which field is wrong.
 */
export function parseRunData(v: unknown): RunData | undefined | string {
  if (!isObject(v) || typeof v.kind !== 'string') return 'done.data must be an object with a "kind"';
  if (!Object.hasOwn(SCHEMAS, v.kind)) return undefined;
  const kind = v.kind as RunDataKind;
  const wrong = wrongField(v, SCHEMAS[kind]);
  if (wrong !== undefined) return `done.data.${wrong} of a ${kind} answer is missing or of the wrong type`;
  if (kind === 'ip') {
    if (!Array.isArray(v.addresses)) return 'done.data.addresses of an ip answer must be an array';
    for (const a of v.addresses as unknown[]) {
      const bad = isObject(a) ? wrongField(a, ADDRESS) ?? (a.family === 'IPv4' || a.family === 'IPv6' ? undefined : 'family') : '';
      if (bad !== undefined) return `done.data.addresses[].${bad || '(entry)'} of an ip answer is missing or of the wrong type`;
    }
  }
  return v as unknown as RunData;
}
