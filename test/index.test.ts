// The public API is the list below: what `import … from 'tcpcmd'` gives.
// Adding or removing a name is a deliberate change: edit src/index.ts, this
// list (kept sorted) and README.md's "The library" section together.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const VALUES = [
  'Connection',
  'DEFAULT_HOST',
  'DEFAULT_LIMITS',
  'DEFAULT_POLICY',
  'DEFAULT_PORT',
  'ErrorCode',
  'Feature',
  'INPUT_COLUMNS',
  'OUTPUT_COLUMNS',
  'PROTOCOL_VERSION',
  'ReconnectingConnection',
  'TcpcmdError',
  'TcpcmdServer',
  'UntrustedServerError',
  'VERSION',
  'builtinCommands',
  'connect',
  'connectAndRun',
  'formatAddress',
  'formatSummary',
  'isTcpcmdError',
  'knownHostsPath',
  'parseAddress',
  'runBatch',
  'serve',
  'silentLogger',
  'streamLogger',
  'terminalConfirm',
  'waitForServer',
];

const TYPES = [
  'Address',
  'BatchConnect',
  'BatchConnection',
  'BatchExitCode',
  'BatchOptions',
  'BatchSummary',
  'Command',
  'ConnectOptions',
  'CpuData',
  'DiskData',
  'ErrorInfo',
  'HostnameData',
  'InterfaceAddress',
  'IpData',
  'KnownHostsOptions',
  'Limits',
  'LogEvent',
  'LogFormat',
  'Logger',
  'Opener',
  'OsData',
  'OutputChunk',
  'OutputRow',
  'PenaltyOptions',
  'Policy',
  'ProgressReporter',
  'ProgressSnapshot',
  'RamData',
  'ReconnectOptions',
  'RunContext',
  'RunData',
  'RunDataKind',
  'RunId',
  'RunOptions',
  'RunOutcome',
  'RunResult',
  'RunStream',
  'ServeOptions',
  'ServerControl',
  'ServerInfo',
  'SessionInfo',
  'SpaceData',
  'Status',
  'StatusCounts',
  'StreamName',
  'StreamOptions',
  'TlsOptions',
  'TlsServerOptions',
  'TrustQuestion',
  'Unreachable',
  'UptimeData',
  'VersionData',
  'WaitOptions',
  'WaitResult',
];

const INDEX = new URL('../src/index.ts', import.meta.url);

/** The names src/index.ts re-exports, read from its syntax: values and types apart. */
function declaredExports(): { values: string[]; types: string[]; other: string[] } {
  const file = ts.createSourceFile('index.ts', readFileSync(INDEX, 'utf8'), ts.ScriptTarget.Latest);
  const values: string[] = [];
  const types: string[] = [];
  const other: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
      other.push(statement.getText(file).split('\n')[0] ?? '');
      continue;
    }
    for (const spec of statement.exportClause.elements) (statement.isTypeOnly || spec.isTypeOnly ? types : values).push(spec.name.text);
  }
  return { values: values.sort(), types: types.sort(), other };
}

/** Says which names came and went, so a failure reads as what to edit. */
function differences(actual: string[], pinned: string[]): string {
  const added = actual.filter((n) => !pinned.includes(n));
  const removed = pinned.filter((n) => !actual.includes(n));
  return `added: ${added.join(', ') || 'none'}; removed: ${removed.join(', ') || 'none'}`;
}

describe('the public API (src/index.ts)', () => {
  it('is made of named re-exports only: no export *, no code of its own', () => {
    expect(declaredExports().other).toEqual([]);
  });

  it('exports exactly the pinned values and types', () => {
    const { values, types } = declaredExports();
    expect(values, differences(values, VALUES)).toEqual([...VALUES].sort());
    expect(types, differences(types, TYPES)).toEqual([...TYPES].sort());
  });

  it('gives every pinned value at run time, and nothing else (the built package, as users import it)', async () => {
    // dist/ is what `npm test` built first; importing it is also faster than transforming src/.
    const names = Object.keys(await import(new URL('../dist/index.js', import.meta.url).href) as object).sort();
    expect(names, differences(names, VALUES)).toEqual([...VALUES].sort());
  });
});
