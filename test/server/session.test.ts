import { describe, expect, it } from 'vitest';
import { authProof } from '../../src/protocol/auth.js';
import { aborts, testCommands } from '../helpers/commands.js';
import { RawClient, startServer } from '../helpers/servers.js';

const commands = testCommands;

describe('session: JSON mode', () => {
  it('answers hello with hello and ready, then runs a command', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    const { hello, ready } = await c.handshake();
    expect(hello).toMatchObject({ type: 'hello', protocol: 1, auth: 'none' });
    expect(hello.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(ready?.commands).toContain('echo');
    expect(ready?.commands).toContain('linux:');
    c.sendFrame({ type: 'run', id: 1, cmd: 'ECHO hi there' });
    const frames = await c.untilDone(1);
    expect(frames[0]).toEqual({ type: 'out', id: 1, stream: 'stdout', data: 'hi there\n' });
    expect(frames[1]).toMatchObject({ type: 'done', id: 1, exitCode: 0 });
    expect(typeof frames[1].durationMs).toBe('number');
  });

  it('keeps stderr apart and reports the exit code', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 'f', cmd: 'fail' });
    expect(await c.untilDone('f')).toEqual([
      { type: 'out', id: 'f', stream: 'stderr', data: 'bad\n' },
      expect.objectContaining({ type: 'done', id: 'f', exitCode: 3 }),
    ]);
  });

  it('runs pipelined commands in arrival order and answers each by id', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    const n = 60;
    for (let i = 0; i < n; i++) c.sendFrame({ type: 'run', id: i, cmd: i % 3 === 0 ? `sleep ${i % 7}` : `echo ${i}` });
    const done: number[] = [];
    while (done.length < n) {
      const f = await c.nextFrame();
      if (f.type === 'out' && f.data.startsWith('slept') === false) expect(f.data).toBe(`${f.id}\n`);
      if (f.type === 'done') done.push(f.id);
    }
    expect(done).toEqual([...Array(n).keys()]);
  });

  it('serves many clients at once: a slow run does not hold up another session', async () => {
    const { port } = await startServer({ commands });
    const slow = await RawClient.connect(port);
    await slow.handshake();
    slow.sendFrame({ type: 'run', id: 1, cmd: 'sleep 3000' });
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(port)));
    await Promise.all(clients.map(async (c, i) => {
      await c.handshake();
      c.sendFrame({ type: 'run', id: 1, cmd: `echo ${i}` });
      const frames = await c.untilDone(1, 2_000);
      expect(frames[0].data).toBe(`${i}\n`);
    }));
    slow.sendFrame({ type: 'cancel', id: 1 });
    expect((await slow.untilDone(1)).at(-1).error.code).toBe('CANCELLED');
  });

  it('answers UNKNOWN_COMMAND with a suggestion', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'ehco x' });
    const [done] = await c.untilDone(1);
    expect(done).toMatchObject({ exitCode: null, error: { code: 'UNKNOWN_COMMAND' } });
    expect(done.error.message).toContain('did you mean "echo"');
  });

  it('suggests nothing for a huge unknown word, and answers at once', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'e'.repeat(500_000) });
    c.sendFrame({ type: 'run', id: 2, cmd: 'echo after' });
    const frames = await c.untilDone(2);
    expect(frames[0]).toMatchObject({ id: 1, error: { code: 'UNKNOWN_COMMAND' } });
    expect(frames[0].error.message).not.toContain('did you mean');
    expect(frames[1].data).toBe('after\n');
  });

  it('answers a command that ignores its signal once the grace after its timeout is over', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'stubborn', timeout: 100 });
    c.sendFrame({ type: 'run', id: 2, cmd: 'echo next' });
    const frames = await c.untilDone(2);
    expect(frames[0]).toMatchObject({ type: 'done', id: 1, exitCode: null, error: { code: 'TIMEOUT' } });
    expect(frames[1].data).toBe('next\n');
  });

  it('keeps error messages short enough for any frame limit', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'whine' });
    const [done] = await c.untilDone(1);
    expect(done.error.code).toBe('BAD_ARGUMENTS');
    expect(done.error.message.length).toBeLessThanOrEqual(1001);
  });

  it('answers a throwing command with INTERNAL and keeps the session', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'boom' });
    expect((await c.untilDone(1))[0].error).toEqual({ code: 'INTERNAL', message: 'internal error in boom: kaboom' });
    c.sendFrame({ type: 'run', id: 2, cmd: 'echo still here' });
    expect((await c.untilDone(2))[0].data).toBe('still here\n');
    // A command may also throw, or answer, without a promise: the same answers, in order.
    c.sendFrame({ type: 'run', id: 3, cmd: 'crash' });
    c.sendFrame({ type: 'run', id: 4, cmd: 'now 7' });
    c.sendFrame({ type: 'run', id: 5, cmd: 'boom' });
    expect((await c.untilDone(3))[0].error).toEqual({ code: 'INTERNAL', message: 'internal error in crash: at once' });
    expect((await c.untilDone(4))[0]).toMatchObject({ type: 'done', id: 4, exitCode: 7 });
    expect((await c.untilDone(5))[0].error.code).toBe('INTERNAL');
  });

  it('stops a run at its timeout', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'sleep 5000', timeout: 100 });
    const done = (await c.untilDone(1)).at(-1);
    expect(done.error.code).toBe('TIMEOUT');
    expect(done.exitCode).toBeNull();
  });

  it('times each run on its own: a short timeout after a long one, a long one after a short one', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    // One timer serves the session's runs; each run still gets exactly its own time.
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo quick', timeout: 60_000 });
    c.sendFrame({ type: 'run', id: 2, cmd: 'sleep 5000', timeout: 80 });
    c.sendFrame({ type: 'run', id: 3, cmd: 'sleep 250', timeout: 2_000 });
    c.sendFrame({ type: 'run', id: 4, cmd: 'sleep 5000', timeout: 80 });
    expect((await c.untilDone(1)).at(-1)).toMatchObject({ exitCode: 0 });
    expect((await c.untilDone(2)).at(-1)).toMatchObject({ exitCode: null, error: { code: 'TIMEOUT' } });
    expect((await c.untilDone(3)).at(-1)).toMatchObject({ exitCode: 0 }); // not cut when run 2's timer fired
    expect((await c.untilDone(4)).at(-1)).toMatchObject({ exitCode: null, error: { code: 'TIMEOUT' } });
  });

  it('runs a command that answers with a plain outcome, not a promise (a command written in JavaScript)', async () => {
    const plain = { name: 'plain', usage: 'plain', summary: 'no promise', run: (() => ({ exitCode: 5 })) as unknown as (typeof commands)[number]['run'] };
    const { port } = await startServer({ commands: [...commands, plain] });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'plain' });
    expect((await c.untilDone(1)).at(-1)).toMatchObject({ exitCode: 5 });
  });

  it('caps a run server-side at --run-timeout even when the client asks for more', async () => {
    const { port } = await startServer({ commands, limits: { runTimeoutMs: 100 } });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'sleep 5000', timeout: 60_000 });
    expect((await c.untilDone(1)).at(-1).error.message).toContain('100 ms');
  });

  it('cancels the running command and a queued one', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'sleep 5000' });
    c.sendFrame({ type: 'run', id: 2, cmd: 'echo queued' });
    c.sendFrame({ type: 'run', id: 3, cmd: 'echo after' });
    c.sendFrame({ type: 'cancel', id: 2 });
    expect(await c.nextFrame()).toMatchObject({ type: 'done', id: 2, error: { code: 'CANCELLED' } });
    c.sendFrame({ type: 'cancel', id: 1 });
    const frames = await c.untilDone(3);
    expect(frames.find((f) => f.type === 'done' && f.id === 1).error.code).toBe('CANCELLED');
    expect(frames.filter((f) => f.type === 'out' && f.id === 2)).toEqual([]);
  });

  it('cuts output at the cap and says so', async () => {
    const { port } = await startServer({ commands, limits: { maxOutput: 10_000 } });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'spew 100' });
    const frames = await c.untilDone(1);
    const bytes = frames.filter((f) => f.type === 'out').reduce((n, f) => n + f.data.length, 0);
    expect(bytes).toBe(10_000);
    expect(frames.at(-1)).toMatchObject({ truncated: true, error: { code: 'OUTPUT_LIMIT' } });
  });

  it('refuses a duplicate id in flight, and a full queue', async () => {
    const { port } = await startServer({ commands, limits: { maxQueue: 2 } });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'sleep 300' });
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo dup' });
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'DUPLICATE_ID', id: 1, fatal: false });
    c.sendFrame({ type: 'run', id: 2, cmd: 'echo a' });
    c.sendFrame({ type: 'run', id: 3, cmd: 'echo b' });
    c.sendFrame({ type: 'run', id: 4, cmd: 'echo c' });
    expect(await c.nextFrame()).toMatchObject({ type: 'done', id: 4, error: { code: 'QUEUE_FULL' } });
  });

  it('answers a malformed frame and goes on; closes on a frame over the limit', async () => {
    const { port } = await startServer({ commands, limits: { maxFrame: 1000 } });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.send('{"type":"run",\n');
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'BAD_FRAME', fatal: false });
    c.send(Buffer.from([0xc3, 0x28, 0x0a]));
    expect((await c.nextFrame()).message).toContain('UTF-8');
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo ok' });
    expect((await c.untilDone(1))[0].data).toBe('ok\n');
    c.send('x'.repeat(5000));
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE', fatal: true });
    await c.closedByServer();
  });

  it('requires hello first', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo' });
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'BAD_FRAME', fatal: true });
    await c.closedByServer();
  });

  it('refuses another protocol version', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    c.sendFrame({ type: 'hello', protocol: 99 });
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'PROTOCOL_VERSION' });
  });

  it('stops the running command when the client goes away', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    await c.handshake();
    aborts.length = 0;
    c.sendFrame({ type: 'run', id: 1, cmd: 'sleep 10000' });
    await new Promise((r) => setTimeout(r, 100));
    c.socket.destroy();
    for (let i = 0; i < 100 && aborts.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('closes a TLS client on a plain listener at once', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    c.send(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05]));
    await c.closedByServer(2_000);
  });
});

describe('session: inline text mode', () => {
  it('answers plain lines with plain output, exit codes and errors', async () => {
    const { port } = await startServer({ commands });
    const c = await RawClient.connect(port);
    c.send('echo hello\r\n\n   \nfail\nnope\n');
    expect(await c.nextLine()).toBe('hello');
    expect(await c.nextLine()).toBe('bad');
    expect(await c.nextLine()).toBe('[exit 3]');
    expect(await c.nextLine()).toMatch(/^\[error UNKNOWN_COMMAND\] unknown command "nope"/);
    c.send('quit\n');
    await c.closedByServer();
  });
});

describe('session: token auth', () => {
  it('accepts a proof of the token, and nothing before it', async () => {
    const { port } = await startServer({ commands, token: 's3cret' });
    const good = await RawClient.connect(port);
    const { hello } = await good.handshake();
    expect(hello.auth).toBe('token');
    good.sendFrame({ type: 'auth', hmac: authProof('s3cret', hello.nonce) });
    expect(await good.nextFrame()).toMatchObject({ type: 'ready' });

    const early = await RawClient.connect(port);
    await early.handshake();
    early.sendFrame({ type: 'run', id: 1, cmd: 'echo x' });
    expect(await early.nextFrame()).toMatchObject({ type: 'error', code: 'AUTH_REQUIRED', fatal: true });
    await early.closedByServer();
  });

  it('answers a wrong proof with AUTH_FAILED after a delay, and closes', async () => {
    const { port } = await startServer({ commands, token: 's3cret', limits: { authFailDelayMs: 200 } });
    const c = await RawClient.connect(port);
    const { hello } = await c.handshake();
    c.sendFrame({ type: 'auth', hmac: authProof('guess', hello.nonce) });
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo sneaky' });
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'AUTH_FAILED' });
    expect(await c.nextLine()).toBeUndefined();
  });

  it('refuses plain-text mode when a token is set', async () => {
    const { port } = await startServer({ commands, token: 's3cret' });
    const c = await RawClient.connect(port);
    c.send('echo hi\n');
    expect(await c.nextLine()).toMatch(/^\[error AUTH_REQUIRED\]/);
    await c.closedByServer();
  });

  it('drops a peer that does not authenticate in time', async () => {
    const { port } = await startServer({ commands, token: 's3cret', limits: { authTimeoutMs: 150 } });
    const c = await RawClient.connect(port);
    expect(await c.nextFrame()).toMatchObject({ code: 'AUTH_TIMEOUT' });
    await c.closedByServer();
  });
});
