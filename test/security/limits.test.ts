import { describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../src/client/index.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { RawClient } from '../helpers/servers.js';
import { logMatching } from './helpers/logs.js';

/** A client that has done the handshake and proves, after each limit is hit elsewhere, that it still works. */
async function bystander(port: number): Promise<{ check: (n: number) => Promise<void> }> {
  const c = await RawClient.connect(port);
  await c.handshake();
  return {
    check: async (n) => {
      c.sendFrame({ type: 'run', id: n, cmd: `echo bystander ${n}` });
      const frames = await c.untilDone(n);
      expect(frames[0]).toMatchObject({ type: 'out', data: `bystander ${n}\n` });
      expect(frames.at(-1)).toMatchObject({ type: 'done', exitCode: 0 });
    },
  };
}

describe('limits from the command line: each answers with its code and touches no other session', () => {
  it('--max-frame, --max-queue, --idle-timeout, --auth-timeout, --run-timeout, --max-output', async () => {
    const server = await startCliServer([
      '--max-frame', '1024', '--max-queue', '2', '--auth-timeout', '1000',
      '--run-timeout', '400', '--max-output', '1000',
    ]);
    const other = await bystander(server.port);

    const big = await RawClient.connect(server.port);
    await big.handshake();
    big.send(`{"type":"run","id":1,"cmd":"${'x'.repeat(2000)}"}\n`);
    expect(await big.nextFrame()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE', fatal: true });
    await big.closedByServer();
    await other.check(1);

    const queue = await RawClient.connect(server.port);
    await queue.handshake();
    for (let id = 1; id <= 4; id++) queue.sendFrame({ type: 'run', id, cmd: 'linux:sleep 0.2' });
    expect(await queue.nextFrame()).toMatchObject({ type: 'done', id: 4, error: { code: 'QUEUE_FULL' } });
    for (let id = 1; id <= 3; id++) expect((await queue.untilDone(id)).at(-1)).toMatchObject({ exitCode: 0 });
    // Waiting runs are bounded in bytes too: at most --max-frame of command text.
    queue.sendFrame({ type: 'run', id: 5, cmd: 'linux:sleep 0.2' });
    queue.sendFrame({ type: 'run', id: 6, cmd: `echo ${'y'.repeat(700)}` });
    queue.sendFrame({ type: 'run', id: 7, cmd: `echo ${'z'.repeat(700)}` });
    expect(await queue.nextFrame()).toMatchObject({ type: 'done', id: 7, error: { code: 'QUEUE_FULL', message: expect.stringContaining('--max-frame') } });
    expect((await queue.untilDone(6)).at(-1)).toMatchObject({ exitCode: 0 });
    await other.check(2);

    const silent = await RawClient.connect(server.port);
    expect(await silent.nextFrame(3_000)).toMatchObject({ type: 'error', code: 'AUTH_TIMEOUT' });
    await silent.closedByServer();

    const slow = await runCli(['exec', server.target, 'linux:sleep 5']);
    expect(slow.code).toBe(255);
    expect(slow.stderr).toMatch(/timed out after 400 ms.*\(TIMEOUT\)/);
    const asksMore = await runCli(['exec', server.target, '--timeout', '60000', 'linux:sleep 5']);
    expect(asksMore.stderr).toContain('timed out after 400 ms');

    const loud = await runCli(['exec', server.target, 'linux:yes']);
    expect(loud.code).toBe(255);
    expect(loud.stdout.length).toBe(1000);
    expect(loud.stderr).toMatch(/cap of 1000 bytes.*\(OUTPUT_LIMIT\)/);
    await other.check(3);
  });

  it('--idle-timeout closes a silent session, never one whose command is running', async () => {
    const server = await startCliServer(['--idle-timeout', '500']);
    const idle = await RawClient.connect(server.port);
    await idle.handshake();
    idle.sendFrame({ type: 'run', id: 1, cmd: 'linux:sleep 1' }); // silent for longer than the timeout, but running
    expect(await idle.untilDone(1)).toContainEqual(expect.objectContaining({ type: 'done', exitCode: 0 }));
    expect(await idle.nextFrame(5_000)).toMatchObject({ type: 'bye', code: 'IDLE_TIMEOUT' });
    await idle.closedByServer();
    await logMatching(server, /closed: idle for 500 ms/);
  });

  it('--max-sessions: one more client is refused with TOO_MANY_SESSIONS; the ones in keep working', async () => {
    const server = await startCliServer(['--max-sessions', '2']);
    const a = await connect(server.target);
    const b = await connect(server.target);
    const refused = await runCli(['exec', server.target, 'hostname']);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/already has 2 sessions open; try again later \(TOO_MANY_SESSIONS\)$/m);
    expect((await a.run('echo a')).stdout).toBe('a\n');
    expect((await b.run('echo b')).stdout).toBe('b\n');
    await a.close();
    await logMatching(server, /session \w+ closed/);
    const c = await connect(server.target);
    expect((await c.run('echo c')).stdout).toBe('c\n');
    await Promise.all([b.close(), c.close()]);
    await logMatching(server, /refused TOO_MANY_SESSIONS/);
  });

  it('a connection made to leave the handshake budget to make room is told why (TOO_MANY_SESSIONS), and the newcomer gets in', async () => {
    const token = 'room-test-token-0123456789abcdef';
    const server = await startCliServer(['--max-per-address', '1'], { TCPCMD_TOKEN: token });
    const stuck = await RawClient.connect(server.port);
    stuck.sendFrame({ type: 'hello', protocol: 1 });
    expect(await stuck.nextFrame()).toMatchObject({ type: 'hello', auth: 'token' });
    stuck.send('{"type":"auth"'); // part of a frame, never finished
    // Newcomers are refused, saying why, until the stuck one has held part of a frame for a while; then it makes room.
    let conn: Connection | undefined;
    while (!conn) {
      conn = await connect(server.target, { token }).catch((err: unknown) => {
        expect(err).toMatchObject({ code: 'TOO_MANY_SESSIONS', message: expect.stringContaining('--max-per-address') });
        return undefined;
      });
    }
    expect(await stuck.nextFrame()).toMatchObject({ type: 'error', code: 'TOO_MANY_SESSIONS', message: expect.stringContaining('to make room') });
    await stuck.closedByServer();
    expect((await conn.run('echo in')).stdout).toBe('in\n');
    await conn.close();
  });

  it('refuses a limit that would turn protection off or break every run, naming the flag (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--max-sessions', '0'], /--max-sessions: expected a whole number, 1 or more, got "0"/],
      [['--max-frame', '10'], /--max-frame: expected a whole number, 256 or more, got "10"/],
      [['--max-queue', '-1'], /--max-queue: expected a whole number, 1 or more, got "-1"/],
      [['--run-timeout', '99999999999'], /--run-timeout: expected a duration in ms \(e\.g\. 5000\), got "99999999999": at most 2147483647/],
      [['--idle-timeout', 'soon'], /--idle-timeout: expected a duration in ms \(e\.g\. 5000\), or 0 \(never\), got "soon"/],
      [['--max-output', '1.5'], /--max-output: expected a whole number, 0 \(no cap\) or more, got "1.5"/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(['serve', '--port', '0', ...flags]);
      expect({ flags, code: r.code }).toEqual({ flags, code: 2 });
      expect(r.stderr).toMatch(message);
    }
  });
});
