import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { STREAM_HIGH_WATER, connect } from '../../src/client/index.js';
import { testCommands } from '../helpers/commands.js';
import { onCleanup, startServer } from '../helpers/servers.js';

const commands = testCommands;

async function open(target: string, token?: string) {
  const conn = await connect(target, token ? { token } : {});
  onCleanup(() => conn.close());
  return conn;
}

describe('client connection', () => {
  it('runs a command and returns its result as data', async () => {
    const { target, port } = await startServer({ commands });
    const conn = await open(target);
    expect(conn.info).toMatchObject({ protocol: 1, auth: 'none', address: `127.0.0.1:${port}` });
    const ok = await conn.run('echo hi');
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'hi\n', stderr: '', timedOut: false, cancelled: false, truncated: false });
    const failed = await conn.run('fail');
    expect(failed).toMatchObject({ exitCode: 3, stderr: 'bad\n' });
    const unknown = await conn.run('nope');
    expect(unknown.error?.code).toBe('UNKNOWN_COMMAND');
  });

  it('pipelines many runs and matches answers to callers', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => conn.run(`echo ${i}`)));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 500 }, (_, i) => `${i}\n`));
  });

  it('streams output through a callback and an async iterator', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const seen: string[] = [];
    await conn.run('spew 3', { onOutput: (_s, d) => seen.push(d), collect: false }).then((r) => expect(r.stdout).toBe(''));
    expect(seen.join('').length).toBe(3 * 1024);
    const stream = conn.stream('echo streamed');
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual([{ stream: 'stdout', data: 'streamed\n' }]);
    expect(await stream.result).toMatchObject({ exitCode: 0, stdout: '' }); // not kept twice
  });

  it('holds a bounded queue for a slow reader of a large output, and loses nothing', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const kib = 2048; // one 1 KiB chunk per write: far more than the queue may hold
    const stream = conn.stream(`spew ${kib}`);
    let bytes = 0;
    let chunks = 0;
    let most = 0;
    for await (const chunk of stream) {
      bytes += chunk.data.length;
      most = Math.max(most, stream.buffered + 1);
      // A slow reader: the server could send everything meanwhile if nothing held it back.
      if (++chunks % 16 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    expect(bytes).toBe(kib * 1024);
    expect(await stream.result).toMatchObject({ exitCode: 0, stdout: '' });
    // The socket pauses at the high-water mark; what one socket read (64 KiB at most) already held still lands.
    expect(most).toBeGreaterThanOrEqual(STREAM_HIGH_WATER);
    expect(most).toBeLessThanOrEqual(STREAM_HIGH_WATER + 64);
    expect((await conn.run('echo after')).stdout).toBe('after\n'); // reading again, not left paused
  });

  it('cancels the run when the loop is left early', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const stream = conn.stream('spew 1000000');
    for await (const chunk of stream) {
      expect(chunk.stream).toBe('stdout');
      break;
    }
    expect(await stream.result).toMatchObject({ cancelled: true, exitCode: null, error: { code: 'CANCELLED' } });
    expect(stream.buffered).toBe(0);
    expect((await conn.run('echo next')).stdout).toBe('next\n');
  });

  it('cancels a stream with the caller\'s signal too', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const stream = conn.stream('sleep 10000', { signal: AbortSignal.timeout(50) });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk.data);
    expect(chunks).toEqual(['slept 10000\n']);
    expect((await stream.result).cancelled).toBe(true);
  });

  it('cancels with an AbortSignal', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const result = await conn.run('sleep 10000', { signal: AbortSignal.timeout(100) });
    expect(result).toMatchObject({ cancelled: true, exitCode: null, error: { code: 'CANCELLED' } });
    expect((await conn.run('echo next')).stdout).toBe('next\n');
  });

  it('cancels every run that shares a signal, the running one and those waiting, and forgets the signal after', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    const controller = new AbortController();
    const runs = Array.from({ length: 300 }, () => conn.run('sleep 10000', { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the first is running, the rest wait
    controller.abort();
    const results = await Promise.all(runs);
    expect(results.every((r) => r.cancelled && r.error?.code === 'CANCELLED')).toBe(true);
    const other = new AbortController();
    expect((await conn.run('echo next', { signal: other.signal })).stdout).toBe('next\n');
    other.abort(); // after the answer: nothing is sent, nothing breaks
    expect((await conn.run('echo again')).stdout).toBe('again\n');
  });

  it('passes a timeout to the server', async () => {
    const { target } = await startServer({ commands });
    const conn = await open(target);
    expect(await conn.run('sleep 10000', { timeout: 100 })).toMatchObject({ timedOut: true, error: { code: 'TIMEOUT' } });
  });

  it('rejects every waiting run with the cause when the server goes away', async () => {
    const { target, server } = await startServer({ commands, limits: { shutdownGraceMs: 0 } });
    const conn = await open(target);
    const closed = new Promise((r) => conn.once('close', r));
    const pending = [conn.run('sleep 10000'), conn.run('echo queued')];
    await new Promise((r) => setTimeout(r, 50));
    void server.close('test');
    const [a, b] = await Promise.all(pending);
    expect(a?.error?.code).toBe('SERVER_SHUTTING_DOWN');
    expect(b?.error?.code).toBe('SERVER_SHUTTING_DOWN');
    expect(await closed).toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });
    await expect(conn.run('echo late')).rejects.toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });
  });

  it('authenticates with a token and fails clearly without one or with a wrong one', async () => {
    const { target } = await startServer({ commands, token: 's3cret' });
    const conn = await open(target, 's3cret');
    expect((await conn.run('echo in')).stdout).toBe('in\n');
    const saved = process.env.TCPCMD_TOKEN;
    delete process.env.TCPCMD_TOKEN;
    try {
      await expect(connect(target)).rejects.toMatchObject({ code: 'AUTH_REQUIRED', message: expect.stringContaining('TCPCMD_TOKEN') });
    } finally {
      if (saved !== undefined) process.env.TCPCMD_TOKEN = saved;
    }
    await expect(connect(target, { token: 'guess' })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('says what is wrong when nothing listens, or the peer is not tcpcmd, or it never answers', async () => {
    const spare = net.createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const freePort = (spare.address() as net.AddressInfo).port;
    await new Promise((r) => spare.close(r));
    await expect(connect(`127.0.0.1:${freePort}`)).rejects.toMatchObject({ code: 'CONNECT_FAILED', message: expect.stringContaining('connection refused') });

    const liar = net.createServer((s) => s.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = net.createServer((s) => s.resume()); // reads (so it sees the client leave) but never answers
    for (const s of [liar, silent]) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      onCleanup(() => new Promise<void>((r) => { s.close(() => r()); }));
    }
    const liarPort = (liar.address() as net.AddressInfo).port;
    await expect(connect(`127.0.0.1:${liarPort}`)).rejects.toMatchObject({ code: 'PROTOCOL_ERROR', message: expect.stringContaining('does not speak the tcpcmd protocol') });
    const silentPort = (silent.address() as net.AddressInfo).port;
    await expect(connect(`127.0.0.1:${silentPort}`, { connectTimeoutMs: 200 })).rejects.toMatchObject({ code: 'CONNECT_FAILED', message: expect.stringContaining('no answer within 200 ms') });
  });
});
