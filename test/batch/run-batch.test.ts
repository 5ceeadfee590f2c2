import { readFileSync, writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchOptions, type BatchSummary, runBatch } from '../../src/batch/index.js';
import { OUTPUT_COLUMNS, type OutputRow } from '../../src/batch/columns.js';
import { progressWanted } from '../../src/batch/progress.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { ErrorCode, TcpcmdError } from '../../src/protocol/index.js';
import { Collect, type FakeOptions, fakeConnect, within, useTempDir } from './helpers.js';

const t = useTempDir();

const A = '127.0.0.1:10001';
const B = '127.0.0.1:10002';
const DEAD = '127.0.0.1:10009';

function file(name: string, content: string): string {
  const path = t.path(name);
  writeFileSync(path, content);
  return path;
}

type Row = Record<(typeof OUTPUT_COLUMNS)[number], string>;

function readCsv(path: string): Row[] {
  const [header, ...records] = parse(readFileSync(path, 'utf8')) as string[][];
  expect(header).toEqual([...OUTPUT_COLUMNS]);
  return records.map((r) => Object.fromEntries(OUTPUT_COLUMNS.map((c, i) => [c, r[i] ?? ''])) as Row);
}

/** How the runner gets its rows: kept from the check (small files), or read from the file again (large ones). */
let keepRows: number | undefined;

async function run(options: Partial<BatchOptions> & { input: string }, fake: FakeOptions = {}) {
  const { connect, log } = fakeConnect(fake);
  const stderr = new Collect();
  const stdout = new Collect();
  const summary = await within(15_000, runBatch({ target: A, connect, stderr, stdout, env: {}, keepRows, ...options }));
  return { summary, log, stderr: stderr.text, stdout: stdout.text };
}

/**
 * An interrupt (the abort of `options.signal`) once `ready` holds of the rows
 * written ok, the runs sent and the sleeps the fake server started: an event,
 * not a clock, so a loaded machine changes nothing.
 */
function interruptWhen(ready: (seen: { ok: number; sent: number; started: number }) => boolean) {
  const controller = new AbortController();
  const seen = { ok: 0, sent: 0, started: 0 };
  const check = (): void => {
    if (!controller.signal.aborted && ready(seen)) setImmediate(() => controller.abort());
  };
  return {
    options: {
      signal: controller.signal,
      onRow: (row: OutputRow) => {
        if (row.status === 'ok') seen.ok++;
        check();
      },
    },
    fake: {
      onSend: () => {
        seen.sent++;
        check();
      },
      onStart: (_target: string, cmd: string) => {
        if (cmd.startsWith('sleep')) seen.started++;
        check();
      },
    },
  };
}

async function rejection(options: Partial<BatchOptions> & { input: string }): Promise<TcpcmdError> {
  try {
    await run(options);
  } catch (err) {
    if (err instanceof TcpcmdError) return err;
    throw err;
  }
  throw new Error('expected runBatch to throw');
}

const COMMANDS = [
  'name,command,expect,expect_exit,timeout',
  'greeting,echo hello,^hello$,,',
  'comma,"echo a,b","^a,b$",,',
  'exit,exit 3,,3,',
  'wrong exit,exit 1,,,',
  'no match,echo nope,^yes,,',
  'stderr,err warn,(?i)^WARN,,',
  'unknown,bogus,,,',
  'slow,sleep 1000,,,20ms',
  'multi,"echo line1',
  'line2",line2,,',
].join('\n') + '\n';

describe.each([
  ['rows kept from the check', undefined],
  ['rows read from the file again', 0],
])('runBatch, %s', (_how, keep) => {
  beforeAll(() => {
    keepRows = keep;
  });
  afterAll(() => {
    keepRows = undefined;
  });

  it('runs a file, judges each row and writes one flushed row per run', async () => {
    const out = t.path('results.csv');
    const { summary, log, stderr } = await run({ input: file('c.csv', COMMANDS), out });
    const rows = readCsv(out);
    expect(rows.map((r) => [r.seq, r.name, r.status])).toEqual([
      ['1', 'greeting', 'ok'],
      ['2', 'comma', 'ok'],
      ['3', 'exit', 'ok'],
      ['4', 'wrong exit', 'failed'],
      ['5', 'no match', 'failed'],
      ['6', 'stderr', 'ok'],
      ['7', 'unknown', 'error'],
      ['8', 'slow', 'timeout'],
      ['9', 'multi', 'ok'],
    ]);
    expect(rows[0]).toMatchObject({ target: A, command: 'echo hello', expect: '^hello$', expect_exit: '0', exit_code: '0', stdout: 'hello\n', error: '' });
    expect(rows[0]?.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rows[6]).toMatchObject({ exit_code: '', error: 'UNKNOWN_COMMAND: unknown command "bogus"' });
    expect(rows[7]).toMatchObject({ timeout: '20', error: 'TIMEOUT: timed out after 20ms' });
    expect(log.sent.find((s) => s.cmd === 'sleep 1000')?.timeout).toBe(20);
    expect(summary).toMatchObject({ exitCode: 1, rows: 9, counts: { ok: 5, failed: 2, error: 1, timeout: 1, skipped: 0 }, output: out });
    expect(stderr).toMatch(/^tcpcmd run: 9 rows: 5 ok, 2 failed, 1 error, 1 timed out in \d+(ms|\.\ds) \(\d+ rows\/s\)\n/);
    expect(stderr).toContain('  failed  #4 wrong exit @127.0.0.1:10001: exit 1, expected 0\n');
    expect(stderr).toContain('  failed  #5 no match @127.0.0.1:10001: output does not match /^yes/\n');
  });

  it('exits 0 when every row passes', async () => {
    const { summary } = await run({ input: file('ok.csv', 'os\nhostname\necho hi\n') });
    expect(summary.exitCode).toBe(0);
    expect(summary.counts.ok).toBe(3);
  });

  it('writes the results to stdout when there is no --out, and nothing else goes there', async () => {
    const { stdout, stderr } = await run({ input: file('s.csv', 'os\necho hi\n') });
    const records = parse(stdout) as string[][];
    expect(records[0]).toEqual([...OUTPUT_COLUMNS]);
    expect(records.slice(1).map((r) => r[3])).toEqual(['os', 'echo hi']);
    expect(stderr).toMatch(/^tcpcmd run: 2 rows: 2 ok/);
  });

  it('reads stdin with -', async () => {
    const { summary, stdout } = await run({ input: '-', stdin: Readable.from(['command\n', 'os\n"echo a,b"\n']) });
    expect(summary.rows).toBe(2);
    expect((parse(stdout) as string[][]).slice(1).map((r) => r[3])).toEqual(['os', 'echo a,b']);
    const err = await rejection({ input: '-', stdin: Readable.from(['command,bad\nos,1\n']) });
    expect(err.message).toMatch(/^<stdin>:1: unknown column "bad"/);
  });

  it('replays its own results file: same commands, targets and expectations, same outcome', async () => {
    const first = t.path('first.csv');
    const second = t.path('second.csv');
    await run({ input: file('c.csv', COMMANDS), out: first });
    await run({ input: first, out: second, target: undefined });
    const a = readCsv(first);
    const b = readCsv(second);
    const pick = (r: Row) => [r.seq, r.name, r.target, r.command, r.timeout, r.expect, r.expect_exit, r.status, r.exit_code, r.stdout, r.stderr, r.error];
    expect(b.map(pick)).toEqual(a.map(pick));
  });

  it('rejects broken input before running, leaving an existing output file untouched', async () => {
    const out = file('results.csv', 'precious\n');
    const err = await rejection({ input: file('bad.csv', 'command,timeout\nos,\nos,later\n"open\n'), out });
    expect(err.code).toBe(ErrorCode.BAD_INPUT);
    expect(err.message).toBe(
      [
        t.path('bad.csv') + ':3: timeout "later" is not a duration: use milliseconds (5000) or a unit (500ms, 1.5s, 2m), from 1ms to 2147483647ms',
        t.path('bad.csv') + ':4: unclosed quote: the quoted cell that starts in this record runs to the end of the file',
      ].join('\n'),
    );
    expect(exitCodeFor(err, 'run')).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
  });

  it('refuses bad usage', async () => {
    const input = file('u.csv', 'os\n');
    expect((await rejection({ input, target: A, targets: input })).message).toBe('give --target or --targets, not both');
    expect((await rejection({ input, resume: t.path('r.json') })).message).toBe('--resume works with --format csv or jsonl (a json file is only complete at the end)');
    expect((await rejection({ input, out: input })).message).toBe(`--out ${input} is the input file: it would be overwritten`);
    expect((await rejection({ input, format: 'xml' })).message).toBe('--format must be one of csv, jsonl, json, junit, got "xml"');
    expect((await rejection({ input, concurrency: 0 })).message).toBe('--concurrency must be a whole number from 1 to 1024, got 0');
    expect((await rejection({ input, timeout: 0 })).message).toBe('--timeout must be a positive number of ms, got 0');
    expect((await rejection({ input: file('nt.csv', 'os\n'), target: undefined })).code).toBe(ErrorCode.USAGE);
  });

  it('runs every row on every target of --targets; a target cell restricts a row to that target', async () => {
    const servers = file('servers.csv', `host,port,name\n127.0.0.1,10001,a\n127.0.0.1,10002,b\n`);
    const out = t.path('fan.csv');
    const { log, summary } = await run({ input: file('f.csv', 'command,target\nos,\nhostname,b\necho x,\n'), targets: servers, target: undefined, out });
    expect(summary.rows).toBe(5);
    expect(log.executed.get(A)).toEqual(['os', 'echo x']);
    expect(log.executed.get(B)).toEqual(['os', 'hostname', 'echo x']);
    // The transcript names each server as servers.csv does.
    expect(readCsv(out).map((r) => `${r.seq}@${r.target}`).sort()).toEqual(['1@a', '1@b', '2@b', '3@a', '3@b']);
  });

  it('replays a transcript where the command line says: --target/--targets win over its target cells, which say where it ran', async () => {
    const first = t.path('first.csv');
    await run({ input: file('r.csv', 'command\necho one\nexit 1\n'), target: DEAD, out: first }, { dead: [DEAD] });
    expect(readCsv(first).map((r) => r.target)).toEqual([DEAD, DEAD]);

    const again = t.path('again.csv');
    const { log, summary } = await run({ input: first, target: A, out: again });
    expect(log.connects).toEqual([A]);
    expect(log.executed.get(A)).toEqual(['echo one', 'exit 1']);
    expect(readCsv(again).map((r) => [r.target, r.status])).toEqual([[A, 'ok'], [A, 'failed']]);
    expect(summary.unreachable).toEqual([]);

    const servers = file('servers.csv', `host,name
${A},a
${B},b
`);
    const fan = await run({ input: first, targets: servers, target: undefined });
    expect(fan.log.executed.get(A)).toEqual(['echo one', 'exit 1']);
    expect(fan.log.executed.get(B)).toEqual(['echo one', 'exit 1']);

    // Without a target on the command line the cells are used: the same servers again.
    const same = await run({ input: again, target: undefined });
    expect(same.log.executed.get(A)).toEqual(['echo one', 'exit 1']);
  });

  it('in a plain commands file a target cell still beats --target', async () => {
    const { log } = await run({ input: file('p.csv', `command,target\necho here,\necho there,${B}\n`), target: A });
    expect(log.executed.get(A)).toEqual(['echo here']);
    expect(log.executed.get(B)).toEqual(['echo there']);
  });

  it('gives a dead target error rows, fast, without stopping the others; exit 1', async () => {
    const servers = file('servers.csv', `host\n${A}\n${DEAD}\n`);
    const out = t.path('dead.csv');
    const input = file('d.csv', 'command\n' + 'echo x\n'.repeat(50));
    const { summary, log, stderr } = await run({ input, targets: servers, target: undefined, out }, { dead: [DEAD] });
    const rows = readCsv(out);
    expect(rows.filter((r) => r.target === DEAD).every((r) => r.status === 'error' && r.error === `CONNECT_FAILED: connect ECONNREFUSED ${DEAD}`)).toBe(true);
    expect(rows.filter((r) => r.target === A).every((r) => r.status === 'ok')).toBe(true);
    expect(rows).toHaveLength(100);
    expect(log.connects.filter((c) => c === DEAD)).toHaveLength(1);
    expect(summary).toMatchObject({ exitCode: 1, unreachable: [{ target: DEAD, rows: 50 }] });
    expect(summary.failures).toEqual([]); // listed once, as unreachable
    expect(stderr).toContain(`  unreachable ${DEAD}: CONNECT_FAILED: connect ECONNREFUSED ${DEAD} (50 rows)\n`);
  });

  it('exits 3 when no target could be reached', async () => {
    const { summary } = await run({ input: file('d.csv', 'os\nos\n'), target: DEAD }, { dead: [DEAD] });
    expect(summary.exitCode).toBe(3);
    expect(summary.counts.error).toBe(2);
  });

  it('keeps file order per target, pipelines within the window, opens at most --concurrency sessions', async () => {
    const servers = file('servers.csv', 'host\n' + [1, 2, 3, 4, 5, 6].map((i) => `127.0.0.1:1000${i}`).join('\n') + '\n');
    const commands = Array.from({ length: 300 }, (_, i) => `echo ${i}`);
    const { log, summary } = await run({ input: file('o.csv', 'command\n' + commands.join('\n') + '\n'), targets: servers, target: undefined, concurrency: 2, window: 16 });
    expect(summary.rows).toBe(1800);
    for (const list of log.executed.values()) expect(list).toEqual(commands);
    expect(log.maxOpen).toBe(2);
    expect(log.maxInFlight).toBe(16);
  });

  it('bounds the command text in flight, so a server queue limit is never hit', async () => {
    const long = `echo ${'x'.repeat(95)}`;
    const { log, summary } = await run({ input: file('w.csv', 'command\n' + `${long}\n`.repeat(40)), windowChars: 250 });
    expect(summary.counts.ok).toBe(40);
    expect(log.maxInFlight).toBe(2);
    const huge = `echo ${'y'.repeat(1000)}`;
    const one = await run({ input: file('w2.csv', `command\n${huge}\n${huge}\n`), windowChars: 250 });
    expect(one.summary.counts.ok).toBe(2); // one run always goes, however long
    expect(one.log.maxInFlight).toBe(1);
  });

  it('with --unordered spreads one target over several sessions', async () => {
    const { log, summary, stderr } = await run({ input: file('u.csv', 'command\n' + 'echo x\n'.repeat(200)), concurrency: 4, unordered: true, window: 8 });
    expect(summary.rows).toBe(200);
    expect(log.connects).toHaveLength(4);
    expect(log.maxOpen).toBe(4);
    expect(stderr).not.toContain('hint');
  });

  it('hints when --concurrency cannot help ordered rows', async () => {
    const { stderr } = await run({ input: file('h.csv', 'os\n'), concurrency: 4 });
    expect(stderr.split('\n')[0]).toBe(
      "tcpcmd run: hint: --concurrency 4 but 1 target: each target's rows run in file order on one session; add --unordered to spread them over up to 4 sessions",
    );
  });

  it('--fail-fast: the first failure cancels what is in flight and skips the rest', async () => {
    const out = t.path('ff.csv');
    const input = file('ff.csv.in', 'command\necho a\nexit 1\nsleep 5000\necho b\necho c\n');
    const { summary, log } = await run({ input, out, failFast: true, window: 2 });
    const rows = readCsv(out);
    expect(rows.map((r) => [r.seq, r.status])).toEqual([
      ['1', 'ok'],
      ['2', 'failed'],
      ['3', 'skipped'],
      ['4', 'skipped'],
      ['5', 'skipped'],
    ]);
    expect(rows[2]?.error).toMatch(/^CANCELLED: /);
    expect(rows[3]?.error).toBe('CANCELLED: not run: --fail-fast stopped the batch after a failure');
    expect(log.executed.get(A)).not.toContain('echo c');
    expect(summary).toMatchObject({ exitCode: 1, counts: { ok: 1, failed: 1, skipped: 3 } });
  });

  it('--fail-fast and an interrupt write a target\'s rows in file order, though cancelled runs are answered out of turn', async () => {
    const input = file('order.csv', 'command,timeout\necho a,\nexit 1,\nbogus,\nsleep 2000,300ms\necho b,\necho c,\n');
    const ff = t.path('ff-order.csv');
    await run({ input, out: ff, failFast: true });
    expect(readCsv(ff).map((r) => `${r.seq} ${r.status}`)).toEqual(['1 ok', '2 failed', '3 error', '4 skipped', '5 skipped', '6 skipped']);

    const servers = file('servers.csv', `host\n${A}\n${B}\n`);
    const int = t.path('int-order.csv');
    // The interrupt comes once each target wrote its first row, runs its first sleep and has the other two waiting behind it.
    const interrupt = interruptWhen((seen) => seen.ok === 2 && seen.started === 2 && seen.sent === 8);
    await run({ input: file('i2.csv', 'command\necho a\nsleep 5000\nsleep 5000\nsleep 5000\n'), out: int, targets: servers, target: undefined, ...interrupt.options }, interrupt.fake);
    const rows = readCsv(int);
    for (const target of [A, B]) {
      expect(rows.filter((r) => r.target === target).map((r) => `${r.seq} ${r.status}`)).toEqual(['1 ok', '2 skipped', '3 skipped', '4 skipped']);
    }
  });

  it('a lost connection fails the runs in flight, reconnects and goes on', async () => {
    const out = t.path('lost.csv');
    const { summary, log } = await run({ input: file('l.csv', 'command\necho 1\ndrop\necho 2\necho 3\n'), out, window: 1 });
    const rows = readCsv(out);
    expect(rows.map((r) => [r.command, r.status, r.error])).toEqual([
      ['echo 1', 'ok', ''],
      ['drop', 'error', 'CONNECTION_CLOSED: connection closed by the server'],
      ['echo 2', 'ok', ''],
      ['echo 3', 'ok', ''],
    ]);
    expect(log.connects).toHaveLength(2);
    expect(summary.exitCode).toBe(1);
  });

  it('an interrupt cancels the runs in flight, closes the output properly and says 130', async () => {
    const out = t.path('int.json');
    const input = file('i.csv', 'command\necho a\nsleep 5000\nsleep 5000\necho b\n');
    // The interrupt comes with row 1 written, row 2 running and row 3 sent behind it (window 2): row 4 never goes.
    const interrupt = interruptWhen((seen) => seen.ok === 1 && seen.started === 1 && seen.sent === 3);
    const { summary } = await run({ input, out, format: 'json', window: 2, ...interrupt.options }, interrupt.fake);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { seq: number; status: string }[];
    expect(rows.map((r) => [r.seq, r.status])).toEqual([
      [1, 'ok'],
      [2, 'skipped'],
      [3, 'skipped'],
    ]);
    expect(summary).toMatchObject({ exitCode: 130, interrupted: true, notRun: 1 });
  });

  it('stops quietly when the reader of stdout goes away: cancels what runs, counts only the rows written', async () => {
    // A pipe whose reader takes one write and leaves: the next write fails with EPIPE.
    let writes = 0;
    const pipe = new Writable({
      write(_chunk, _encoding, callback) {
        callback(++writes === 1 ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const input = file('pipe.csv', 'command\nexit 1\nsleep 200\nsleep 5000\necho after\n');
    const { summary, log, stderr } = await run({ input, format: 'jsonl', stdout: pipe, window: 2 });
    expect(summary).toMatchObject({ readerGone: true, interrupted: false, exitCode: 1, rows: 2, counts: { ok: 1, failed: 1 } });
    expect(log.executed.get(A)).toEqual(['exit 1', 'sleep 200', 'sleep 5000']); // the last one never started
    expect(stderr).toBe(''); // no error, no summary
  });

  it('passes each row to onRow as it is written, and with stdout: null writes nothing else', async () => {
    const seen: [number, string][] = [];
    const { summary } = await run({ input: file('rows.csv', 'command\necho a\nexit 2\n'), stdout: null, onRow: (row) => seen.push([row.seq, row.status]) });
    expect(seen).toEqual([
      [1, 'ok'],
      [2, 'failed'],
    ]);
    expect(summary).toMatchObject({ rows: 2, exitCode: 1, output: null });
  });

  it('--shard splits the rows deterministically; the shards together are the whole', async () => {
    const input = file('sh.csv', 'command\n' + Array.from({ length: 23 }, (_, i) => `echo ${i + 1}`).join('\n') + '\n');
    const seen: string[] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const out = t.path(`shard-${shard.replace('/', 'of')}.csv`);
      await run({ input, out, shard });
      const seqs = readCsv(out).map((r) => r.seq);
      const again = t.path('again.csv');
      await run({ input, out: again, shard });
      expect(readCsv(again).map((r) => r.seq)).toEqual(seqs);
      const i = Number(shard[0]);
      expect(seqs.every((s) => (Number(s) - 1) % 3 === i - 1)).toBe(true);
      seen.push(...seqs);
    }
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });

  it('writes jsonl, json and junit through the same runner', async () => {
    const input = file('fmt.csv', 'command,expect_exit\necho a,\nexit 2,\n');
    const jsonl = t.path('r.jsonl');
    await run({ input, out: jsonl });
    expect(readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(['ok', 'failed']);
    const xml = t.path('r.xml');
    await run({ input, out: xml });
    const text = readFileSync(xml, 'utf8');
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="tcpcmd run" tests="2" failures="1" errors="0" skipped="0"/);
    expect(text).toContain('<failure message="exit 2, expected 0" type="failed">');
    const json = t.path('r.out');
    await run({ input, out: json, format: 'json' });
    expect((JSON.parse(readFileSync(json, 'utf8')) as unknown[]).length).toBe(2);
  });

  it('passes the default --timeout, and a servers.csv token, to the client', async () => {
    const seen: (string | undefined)[] = [];
    const { connect: base, log } = fakeConnect();
    const servers = file('servers.csv', `host,token_env\n${A},MY_TOKEN\n`);
    const summary: BatchSummary = await runBatch({
      input: file('to.csv', 'command,timeout\nos,\nos,2s\n'),
      targets: servers,
      timeout: 750,
      env: { MY_TOKEN: 's3cret' },
      stderr: new Collect(),
      stdout: new Collect(),
      connect: (address, options) => {
        seen.push(options?.token);
        return base(address, options);
      },
    });
    expect(summary.exitCode).toBe(0);
    expect(seen).toEqual(['s3cret']);
    expect(log.sent.map((s) => s.timeout)).toEqual([750, 2000]);
  });
});

describe('progress and summary on stderr', () => {
  const input = (): string => file('p.csv', 'command\necho a\nexit 1\n');

  it('draws a progress line on a terminal, not in CI, and no colour under NO_COLOR', async () => {
    for (const [env, expectBar, expectColor] of [
      [{}, true, true],
      [{ NO_COLOR: '1' }, true, false],
      [{ CI: 'true' }, false, false],
    ] as const) {
      const { connect } = fakeConnect();
      const stderr = new Collect(true);
      await runBatch({ input: input(), target: A, connect, stderr, stdout: new Collect(), env });
      expect(stderr.text.includes('\r')).toBe(expectBar);
      expect(stderr.text.includes('\x1b[3')).toBe(expectColor);
      expect(stderr.text).toContain('tcpcmd run: 2 rows: 1 ok, 1 failed, 0 errors in');
    }
  });

  it('draws no bar when the results go to stdout and stdout is a terminal too (the summary stays)', async () => {
    const { connect } = fakeConnect();
    const stderr = new Collect(true);
    await runBatch({ input: input(), target: A, connect, stderr, stdout: new Collect(true), env: {} });
    expect(stderr.text).not.toContain('\r');
    expect(stderr.text).toContain('tcpcmd run: 2 rows: 1 ok, 1 failed, 0 errors in');
    // With --out the terminal's stdout is free: the bar is back.
    const bar = new Collect(true);
    await runBatch({ input: input(), target: A, connect, stderr: bar, stdout: new Collect(true), out: t.path('o.csv'), env: {} });
    expect(bar.text).toContain('\r');
    expect(progressWanted({ isTTY: true, write: () => true }, {}, { isTTY: true })).toBe(false);
    expect(progressWanted({ isTTY: true, write: () => true }, {}, { isTTY: false })).toBe(true);
    expect(progressWanted({ isTTY: true, write: () => true }, {}, null)).toBe(true);
  });

  it('prints no bar when stderr is not a terminal', async () => {
    const { stderr } = await run({ input: input() });
    expect(stderr).not.toContain('\r');
    expect(stderr.split('\n')[1]).toBe('  failed  #2 exit 1 @127.0.0.1:10001: exit 1, expected 0');
  });
});
