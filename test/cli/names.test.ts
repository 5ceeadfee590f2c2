// A server's name from servers.csv is what every output shows.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { onCleanup, startServer } from '../helpers/servers.js';
import { drive } from '../repl/helpers.js';

async function fleet(): Promise<{ csv: string; open: number; locked: number }> {
  const open = await startServer();
  const locked = await startServer({ token: 'fleet-secret' });
  const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-names-test-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const csv = join(dir, 'servers.csv');
  await writeFile(csv, `name,host,port\nweb-a,127.0.0.1,${open.port}\nweb-b,127.0.0.1,${locked.port}\n`);
  return { csv, open: open.port, locked: locked.port };
}

const env = { TCPCMD_TOKEN: '' };
const input = 'name,command,expect_exit\nsays,echo hi,0\nfails,echo no,1\n';

describe("a server's name from servers.csv in every output", () => {
  it('run: the CSV transcript, JSONL, JSON and the summary name web-a; web-b is unreachable by name and address', async () => {
    const { csv, locked } = await fleet();
    const r = await runCli(['run', '-', '--targets', csv], { input, env });
    expect(r.code).toBe(1);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(new Set(rows.map((x) => x.target))).toEqual(new Set(['web-a', 'web-b']));
    expect(r.stderr).toContain(`  unreachable web-b (127.0.0.1:${locked}): AUTH_REQUIRED: `);
    expect(r.stderr).toMatch(/ {2}failed {2}#2 fails @web-a: /);

    const jsonl = await runCli(['run', '-', '--targets', csv, '--format', 'jsonl'], { input, env });
    expect(jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { target: string }).target).sort()).toEqual(['web-a', 'web-a', 'web-b', 'web-b']);
    const json = await runCli(['run', '-', '--targets', csv, '--format', 'json'], { input, env });
    expect((JSON.parse(json.stdout) as { target: string }[]).map((x) => x.target).sort()).toEqual(['web-a', 'web-a', 'web-b', 'web-b']);
  });

  it('run: JUnit classname is the name', async () => {
    const { csv } = await fleet();
    const r = await runCli(['run', '-', '--targets', csv, '--format', 'junit'], { input, env });
    expect(r.stdout).toContain('classname="web-a"');
    expect(r.stdout).toContain('classname="web-b"');
  });

  it('a transcript written with names resumes and replays with the same servers.csv', async () => {
    const { csv } = await fleet();
    const dir = await mkdtemp(join(tmpdir(), 'tcpcmd-names-test-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const out = join(dir, 'out.csv');
    await runCli(['run', '-', '--targets', csv, '--out', out], { input, env });
    const again = await runCli(['run', '-', '--targets', csv, '--out', out, '--resume', out], { input, env });
    // web-a's rows are found in the file by the server's name and kept; web-b's never ran, so they run again.
    expect(again.stderr).toMatch(/^tcpcmd run: 4 rows: .*; 2 from the resumed file$/m);
    expect(again.stderr).toContain('unreachable web-b (127.0.0.1:');
  });

  it('the REPL prompt and its greeting name the server', async () => {
    const { csv, open } = await fleet();
    const d = drive({ target: 'web-a', targets: csv, terminal: true, env: { NO_COLOR: '1', TCPCMD_TOKEN: '' } });
    await d.waitOut('web-a> ');
    await d.waitOut(`connected to web-a (127.0.0.1:${open})`);
    d.line('echo hi');
    await d.waitOut(/^hi$/m);
  });
});
