import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, TcpcmdError } from '../../../src/protocol/index.js';
import { linux } from '../../../src/server/builtins/shells.js';
import { runProcess, type RunProcessOptions } from '../../../src/server/shell/run-process.js';
import { eventually, isDead, killQuietly, makeHarness, type HarnessOptions } from '../run-context.js';

const started = new Set<number>();
afterEach(() => {
  killQuietly(started);
  started.clear();
});

function start(script: string, options: HarnessOptions = {}, extra: Partial<RunProcessOptions> = {}) {
  const harness = makeHarness(linux, options);
  const running = runProcess({ file: '/bin/sh', args: ['-c', script], signal: harness.ctx.signal, write: harness.ctx.write, ...extra });
  return { ...harness, running };
}

async function sh(script: string, options: HarnessOptions = {}, extra: Partial<RunProcessOptions> = {}) {
  const { running, ...harness } = start(script, options, extra);
  return { ...harness, outcome: await running };
}

/** The whole numbers the script printed on stdout, one per line, once `count` of them are there. */
async function pidsFrom(stdout: () => string, count: number): Promise<number[]> {
  const lines = () => stdout().split('\n').filter((line) => /^\d+$/.test(line));
  expect(await eventually(() => lines().length >= count)).toBe(true);
  const pids = lines().slice(0, count).map(Number);
  pids.forEach((pid) => started.add(pid));
  return pids;
}

describe.skipIf(process.platform === 'win32')('runProcess', () => {
  it('reports the exit code and keeps stdout and stderr apart', async () => {
    const { outcome, stdout, stderr } = await sh('echo out; echo err >&2; exit 3');
    expect(outcome).toEqual({ exitCode: 3 });
    expect(stdout()).toBe('out\n');
    expect(stderr()).toBe('err\n');
  });

  it('reports a death by signal as exitCode null and the signal', async () => {
    const { outcome } = await sh('kill -TERM $$');
    expect(outcome).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });

  it('streams output while the program runs', async () => {
    // The program only goes on once the test has seen its first line: buffered output would stall it.
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-stream-'));
    const go = join(dir, 'go');
    try {
      const { outcome, stdout } = await sh(
        `echo first; i=0; while [ ! -e '${go}' ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done; [ -e '${go}' ] && echo second`,
        { onWrite: ({ data }) => data.includes('first') && writeFileSync(go, '') },
      );
      expect(outcome).toEqual({ exitCode: 0 });
      expect(stdout()).toBe('first\nsecond\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the order of the output', async () => {
    const { outcome, stdout } = await sh('i=1; while [ $i -le 2000 ]; do echo line $i; i=$((i+1)); done', { writeDelayMs: 1 });
    expect(outcome.exitCode).toBe(0);
    expect(stdout()).toBe(Array.from({ length: 2000 }, (_, i) => `line ${i + 1}\n`).join(''));
  });

  it('delivers several MB complete through a slow writer, one write at a time, multi-byte characters whole', async () => {
    const line = 'tcpcmd é € 😀 the quick brown fox';
    const lines = 150_000; // about 6 MB
    const { outcome, stdout, chunks, maxInFlight } = await sh(`yes '${line}' | head -n ${lines}`, { writeDelayMs: 2 });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout().length).toBe((line.length + 1) * lines);
    expect(stdout()).toBe(`${line}\n`.repeat(lines));
    expect(chunks.some((c) => c.data.includes('\uFFFD'))).toBe(false);
    expect(maxInFlight()).toBe(1);
  });

  it('waits for a client slower than the grace after exit, losing nothing', async () => {
    // Each write takes longer than the drain grace, so the pipe still holds output when the main process is gone.
    const { outcome, stdout } = await sh(`head -c 300000 /dev/zero | tr '\\0' x`, { writeDelayMs: 250 });
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toBe('x'.repeat(300_000));
  });

  it('never splits a character that arrives in two pieces', async () => {
    const { stdout, chunks } = await sh(`printf '\\342\\202'; sleep 0.1; printf '\\254\\n'`);
    expect(stdout()).toBe('€\n');
    expect(chunks.some((c) => c.data.includes('\uFFFD'))).toBe(false);
  });

  it('passes cwd and env', async () => {
    const dir = realpathSync(tmpdir());
    const { stdout } = await sh('pwd; echo "$TCPCMD_TEST_VALUE"', {}, { cwd: dir, env: { ...process.env, TCPCMD_TEST_VALUE: 'forty-two' } });
    expect(stdout()).toBe(`${dir}\nforty-two\n`);
  });

  it('on abort, kills the whole tree at once and answers', async () => {
    const run = start('echo $$; sleep 30 & echo $!; sleep 30');
    const [shell = 0, grandchild = 0] = await pidsFrom(run.stdout, 2);
    run.controller.abort(new TcpcmdError(ErrorCode.CANCELLED, 'cancelled by the client'));
    expect(await run.running).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(await eventually(() => isDead(shell) && isDead(grandchild))).toBe(true);
  });

  it('does not start anything when already aborted', async () => {
    const harness = makeHarness(linux);
    harness.controller.abort(new TcpcmdError(ErrorCode.CANCELLED, 'cancelled'));
    const outcome = await runProcess({ file: '/bin/sh', args: ['-c', 'echo never'], signal: harness.ctx.signal, write: harness.ctx.write });
    expect(outcome.exitCode).toBeNull();
    expect(harness.chunks).toEqual([]);
  });

  it('ends when the main process exits though a leftover process holds the pipes, and kills the leftover', async () => {
    const { outcome, stdout } = await sh('sleep 30 & echo $!');
    expect(outcome).toEqual({ exitCode: 0 });
    const [leftover = 0] = await pidsFrom(stdout, 1);
    expect(await eventually(() => isDead(leftover))).toBe(true);
  });

  it('ends though a leftover keeps writing', async () => {
    const { outcome, stdout } = await sh('(while :; do echo tick; sleep 0.01; done) & echo $!; echo main done');
    expect(outcome).toEqual({ exitCode: 0 });
    expect(stdout()).toContain('main done\n');
    const [leftover = 0] = await pidsFrom(stdout, 1);
    expect(await eventually(() => isDead(leftover))).toBe(true);
  });

  it('ends though a process that left the group (setsid) holds the pipes', async () => {
    const { outcome, stdout } = await sh('setsid sleep 30 & echo $!');
    expect(outcome).toEqual({ exitCode: 0 });
    await pidsFrom(stdout, 1); // killed by afterEach: out of the group, it is out of our reach by design
  });

  it('answers SPAWN_FAILED naming a missing program', async () => {
    const harness = makeHarness(linux);
    const outcome = await runProcess({ file: 'tcpcmd-no-such-program', args: [], signal: harness.ctx.signal, write: harness.ctx.write });
    expect(outcome.exitCode).toBeNull();
    expect(outcome.error?.code).toBe(ErrorCode.SPAWN_FAILED);
    expect(outcome.error?.message).toMatch(/"tcpcmd-no-such-program".*not found.*PATH/);
  });

  it('lets the caller answer for a missing program', async () => {
    const harness = makeHarness(linux);
    const outcome = await runProcess({
      file: 'tcpcmd-no-such-program',
      args: [],
      signal: harness.ctx.signal,
      write: harness.ctx.write,
      ifNotFound: () => ({ exitCode: null, error: { code: ErrorCode.SPAWN_FAILED, message: 'install it' } }),
    });
    expect(outcome.error).toEqual({ code: ErrorCode.SPAWN_FAILED, message: 'install it' });
  });

  it('answers SPAWN_FAILED for a file that is not executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-noexec-'));
    const file = join(dir, 'script');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, 0o644);
    try {
      const harness = makeHarness(linux);
      const outcome = await runProcess({ file, args: [], signal: harness.ctx.signal, write: harness.ctx.write });
      expect(outcome.error?.code).toBe(ErrorCode.SPAWN_FAILED);
      expect(outcome.error?.message).toContain('EACCES');
      expect(outcome.error?.message).toContain(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the tree and answers with the reason when output can no longer be delivered', async () => {
    const harness = makeHarness(linux);
    let writes = 0;
    let firstLine = '';
    const outcome = await runProcess({
      file: '/bin/sh',
      args: ['-c', 'echo $$; exec yes'],
      signal: harness.ctx.signal,
      write: async (_stream, data) => {
        writes += 1;
        if (writes === 1) firstLine = Buffer.from(data).toString().split('\n')[0] ?? '';
        else throw new TcpcmdError(ErrorCode.CONNECTION_CLOSED, 'the client went away');
      },
    });
    expect(outcome).toEqual({ exitCode: null, error: { code: ErrorCode.CONNECTION_CLOSED, message: 'the client went away' } });
    const pid = Number(firstLine);
    started.add(pid);
    expect(await eventually(() => isDead(pid))).toBe(true);
  });
});
