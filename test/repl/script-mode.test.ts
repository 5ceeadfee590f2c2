// The REPL without a terminal (`printf 'cpu\nram\n' | tcpcmd connect host`), driven through its streams against real servers.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { runBatch } from '../../src/batch/index.js';
import type { Command } from '../../src/server/index.js';
import { testCommands } from '../helpers/commands.js';
import { startServer } from '../helpers/servers.js';
import { Collect, drive, tempDir, until } from './helpers.js';

/** Runs until cancelled; `held` counts the runs that started. */
let held = 0;
const hold: Command = {
  name: 'hold', usage: 'hold', summary: 'run until cancelled', run: async (ctx) => {
    held++;
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    return { exitCode: null };
  },
};
const commands = [...testCommands, hold];

function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

describe('tcpcmd connect without a terminal', () => {
  it('runs lines in order: stdout as is, stderr and failures on stderr, no prompt, no colour; exit 1 when one failed', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: false, env: {} }); // colour would be allowed by the env: no terminal, none
    r.input.end('echo one\n\n# a comment\nfail\nnope\necho two\n');
    const result = await r.done;
    expect(r.out.raw).toBe('one\ntwo\n');
    // Each failure line names its command: a log of many says which one it was.
    expect(r.err.raw).toMatch(/^bad\n\[exit 3, \d+ms\] fail\n\[error UNKNOWN_COMMAND, \d+ms\] nope: unknown command "nope"/);
    expect(r.err.raw).not.toContain('\x1b[');
    expect(result).toEqual({ exitCode: 1, commands: 4, failures: 2 });
  });

  it('refuses kill and reset without --yes (no one to confirm them), as failed commands; sends them with --yes', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: false });
    r.input.end('kill\nreset now\necho still here\n');
    expect(await r.done).toEqual({ exitCode: 1, commands: 1, failures: 2 });
    expect(r.out.raw).toBe('still here\n');
    expect(r.err.text).toBe(
      '[error] kill not sent: without a terminal no one can confirm it; add --yes to send kill and reset\n' +
        '[error] reset now not sent: without a terminal no one can confirm it; add --yes to send kill and reset\n',
    );

    const yes = drive({ target, terminal: false, yes: true });
    yes.line('reset');
    await yes.waitErr(/connection to .* lost: the server was reset/);
    yes.input.end();
    await yes.done;
    expect(yes.err.text).not.toContain('not sent');
  });

  it('leaves the command out of the failure line on a terminal, where it is on the line above', async () => {
    const { target } = await startServer({ commands });
    const tty = drive({ target, terminal: true });
    tty.line('fail');
    await tty.waitOut(/\[exit 3, \d+ms\]\n/);
    expect(tty.out.text).not.toMatch(/\[exit 3, \d+ms\] fail/);
  });

  it('exits 0 when every command passed, and stops at .exit or quit', async () => {
    const { target } = await startServer({ commands });
    const a = drive({ target, terminal: false });
    a.input.end('echo a\n.exit\necho never\n');
    expect(await a.done).toMatchObject({ exitCode: 0, commands: 1 });
    expect(a.out.raw).toBe('a\n');
    const b = drive({ target, terminal: false });
    b.input.end('echo b\nquit\necho never\n');
    expect(await b.done).toMatchObject({ exitCode: 0, commands: 1 });
  });

  it('counts a mistake in a meta command as a failure', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: false });
    r.input.end('.frobnicate\n.save\n');
    expect(await r.done).toMatchObject({ exitCode: 1, failures: 2 });
    expect(r.err.text).toContain('[error] unknown command .frobnicate: .help lists');
    expect(r.err.text).toContain('.save needs an argument: .save file.csv');
  });

  it('says why .save cannot write, naming only the file asked for', async () => {
    const { target } = await startServer({ commands });
    const r = drive({ target, terminal: false });
    r.input.end('echo hi\n.save /proc/no-such-dir/x.csv\n');
    expect(await r.done).toMatchObject({ exitCode: 1, failures: 1 });
    expect(r.err.text).toContain('cannot write /proc/no-such-dir/x.csv: ENOENT: no such file or directory');
    expect(r.err.text).not.toContain(tmpdir());
  });

  it('fails to start with AUTH_REQUIRED when the server wants a token and none is set', async () => {
    const { target } = await startServer({ commands, token: 's3cret' });
    const r = drive({ target, terminal: false });
    await expect(r.done).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    const ok = drive({ target, terminal: false, env: { TCPCMD_TOKEN: 's3cret' } });
    ok.input.end('echo in\n');
    expect(await ok.done).toMatchObject({ exitCode: 0 });
    expect(ok.out.raw).toBe('in\n');
  });

  it('needs a target, and says how to give one', async () => {
    const r = drive({ target: undefined as unknown as string, terminal: false });
    await expect(r.done).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('tcpcmd connect host[:port]') });
  });

  it('records one written-through row per command (--record), saves the same (.save), and the file replays with tcpcmd run', async () => {
    const { target } = await startServer({ commands });
    const { path } = await tempDir();
    const r = drive({ target, terminal: false, record: path('rec.csv') });
    r.line('echo first');
    // The row is in the file while the session is still open: a crash loses nothing.
    await until(() => readFile(path('rec.csv'), 'utf8').catch(() => ''), (t) => t.includes('echo first'), 'the first row');
    r.line('fail');
    r.line(`.save ${path('saved.csv')}`);
    r.input.end();
    expect(await r.done).toMatchObject({ exitCode: 1, commands: 2 });
    const recorded = await readFile(path('rec.csv'), 'utf8');
    expect(recorded.split('\n')[0]).toBe('seq,name,target,command,timeout,expect,expect_exit,status,exit_code,duration_ms,started_at,stdout,stderr,output_encoding,error,data');
    expect(recorded).toMatch(new RegExp(`^1,,${target},echo first,,,0,ok,0,\\d+,[^,]+,"first\\n",,,,$`, 'm'));
    expect(recorded).toMatch(new RegExp(`^2,,${target},fail,,,0,failed,3,\\d+,[^,]+,,"bad\\n",,,$`, 'm'));
    expect(await readFile(path('saved.csv'), 'utf8')).toBe(recorded);
    expect(r.err.text).toContain(`saved 2 rows to ${path('saved.csv')}`);

    const out = new Collect();
    const summary = await runBatch({ input: path('saved.csv'), connect, out: path('replayed.csv'), stdout: out, stderr: new Collect(), progress: false });
    expect(summary.counts).toMatchObject({ ok: 1, failed: 1 });
  });

  it('runs a CSV batch inside the session with .load: output as it comes, expectations judged, rows in the transcript', async () => {
    const { target } = await startServer({ commands });
    const { path } = await tempDir();
    await writeFile(path('batch.csv'), 'name,command,expect,expect_exit\ngreet,echo hello,hel+o,\nbad,echo hello,bye,\nthree,fail,,3\n');
    const r = drive({ target, terminal: false, record: path('rec.csv') });
    r.input.end(`echo before\n.load ${path('batch.csv')}\necho after\n`);
    expect(await r.done).toMatchObject({ exitCode: 1, commands: 5 });
    expect(r.out.raw).toBe('before\nhello\nhello\nafter\n');
    expect(r.err.text).toContain('tcpcmd run: 3 rows: 2 ok, 1 failed');
    const rows = csvRows(await readFile(path('rec.csv'), 'utf8'));
    expect(rows.map((row) => [row.seq, row.name, row.command, row.expect, row.expect_exit, row.status, row.exit_code, row.target])).toEqual([
      ['1', '', 'echo before', '', '0', 'ok', '0', target],
      ['2', 'greet', 'echo hello', 'hel+o', '0', 'ok', '0', target],
      ['3', 'bad', 'echo hello', 'bye', '0', 'failed', '0', target],
      ['4', 'three', 'fail', '', '3', 'ok', '3', target],
      ['5', '', 'echo after', '', '0', 'ok', '0', target],
    ]);
  });

  it('tells a bad .load file by file and line, and goes on', async () => {
    const { target } = await startServer({ commands });
    const { path } = await tempDir();
    await writeFile(path('bad.csv'), 'command,timeout\necho x,soon\n');
    const r = drive({ target, terminal: false });
    r.input.end(`.load ${path('bad.csv')}\necho still\n`);
    expect(await r.done).toMatchObject({ exitCode: 1, commands: 1 });
    expect(r.err.text).toContain(`${path('bad.csv')}:2:`);
    expect(r.out.raw).toBe('still\n');
  });

  it('reports a lost connection, reconnects, and the next command works', async () => {
    const { server, target } = await startServer({ commands });
    const r = drive({ target, terminal: false });
    r.line('echo up');
    await until(() => r.out.raw, (t) => t === 'up\n', 'the first answer');
    await server.reset();
    await r.waitErr(/connection to .* lost: the server was reset.*\(SESSION_RESET\); reconnecting/);
    await r.waitErr(`reconnected to ${target}`);
    r.input.end('echo back\n');
    expect(await r.done).toMatchObject({ exitCode: 0, commands: 2 });
    expect(r.out.raw).toBe('up\nback\n');
  });

  it('an interrupt (SIGINT) cancels the running command and exits 130', async () => {
    const { target } = await startServer({ commands });
    const ac = new AbortController();
    const r = drive({ target, terminal: false, signal: ac.signal });
    const before = held;
    r.line('hold');
    r.line('echo never');
    await until(() => held, (n) => n > before, 'the command to run');
    ac.abort();
    expect(await r.done).toMatchObject({ exitCode: 130, commands: 1 });
    expect(r.err.text).toContain('[cancelled');
    expect(r.out.raw).not.toContain('never');
  });
});
