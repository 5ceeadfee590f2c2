import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCliServer, type CliServer } from '../helpers/cli.js';
import { onCleanup } from '../helpers/servers.js';
import { eventually } from './helpers/procs.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-faults-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Stops the server process (SIGSTOP), as a hung machine or a debugger would; it is resumed after the test in any case. */
function stop(server: CliServer): () => void {
  const pid = server.child.pid ?? 0;
  process.kill(pid, 'SIGSTOP');
  let resumed = false;
  const resume = (): void => {
    if (resumed) return;
    resumed = true;
    process.kill(pid, 'SIGCONT');
  };
  onCleanup(resume);
  return resume;
}

describe('failure 3: a stalled server — one outcome per run, and the client keeps its own time', () => {
  it('a server stopped for good: exec gives up at its timeout plus a grace, cancels, says so and exits 255', async () => {
    const server = await startCliServer();
    const started = join(tempDir(), 'started');
    const exec = runCli(['exec', server.target, '--timeout', '1000', `linux:touch ${started}; sleep 1; echo hi`], { timeoutMs: 30_000 });
    expect(await eventually(() => existsSync(started), 10_000)).toBe(true);
    const resume = stop(server);
    const r = await exec;
    resume();
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/no answer from 127\.0\.0\.1:\d+ within the timeout \(1000 ms\) and 5 s more: gave up waiting and cancelled the run .*\(TIMEOUT\)$/m);
    // Awake again, it serves as before.
    const after = await runCli(['exec', server.target, 'echo', 'awake']);
    expect(after).toMatchObject({ code: 0, stdout: 'awake\n' });
  });

  it('a server stopped while the command ends and resumed after its timeout: the run finished, with its exit code and its output', async () => {
    const server = await startCliServer();
    const dir = tempDir();
    const [started, ended] = [join(dir, 'started'), join(dir, 'ended')];
    const exec = runCli(['exec', server.target, '--timeout', '1500', `linux:touch ${started}; sleep 0.5; echo hi; touch ${ended}`], { timeoutMs: 30_000 });
    expect(await eventually(() => existsSync(started), 10_000)).toBe(true);
    const stoppedAt = Date.now();
    const resume = stop(server);
    // Resumed once the command has ended and its timeout has passed: both are due in the same turn.
    expect(await eventually(() => existsSync(ended) && Date.now() - stoppedAt > 2_000, 10_000)).toBe(true);
    resume();
    const r = await exec;
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
  });
});
