import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { parseServerMessage } from '../../src/protocol/index.js';
import { RawClient, startServer } from '../helpers/servers.js';

describe('the data feature', () => {
  it('a client that asks gets it granted in hello, and the figures in done', async () => {
    const { port } = await startServer();
    const client = await RawClient.connect(port);
    client.sendFrame({ type: 'hello', protocol: 1, features: ['data', 'teleport'] });
    const hello = await client.nextFrame();
    expect(hello.features).toEqual(['data']);
    expect((await client.nextFrame()).type).toBe('ready');
    client.sendFrame({ type: 'run', id: 1, cmd: 'RAM' });
    const frames = await client.untilDone(1);
    const done = frames[frames.length - 1];
    expect(done.data).toMatchObject({ kind: 'ram', totalBytes: expect.any(Number), usagePercent: expect.any(Number) });
    // The text answer is the same as always.
    expect(frames[0]).toMatchObject({ type: 'out', stream: 'stdout', data: expect.stringMatching(/^total: +\d/) });
    // What a client library reads of it.
    const parsed = parseServerMessage(JSON.stringify(done));
    expect(parsed.ok && parsed.value.type === 'done' && parsed.value.data?.kind).toBe('ram');
    client.sendFrame({ type: 'run', id: 2, cmd: 'echo hi' });
    expect((await client.untilDone(2)).pop().data).toBeUndefined();
  });

  it('a client that does not ask sees the hello and done frames it always saw', async () => {
    const { port } = await startServer();
    const client = await RawClient.connect(port);
    const { hello } = await client.handshake();
    expect(Object.keys(hello).sort()).toEqual(['auth', 'hostname', 'nonce', 'protocol', 'server', 'type']);
    client.sendFrame({ type: 'run', id: 1, cmd: 'hostname' });
    expect(Object.keys((await client.untilDone(1)).pop()).sort()).toEqual(['durationMs', 'exitCode', 'id', 'type']);
  });

  it('plain-text clients get the text alone', async () => {
    const { port } = await startServer();
    const client = await RawClient.connect(port);
    client.send('version\n');
    expect(await client.nextLine()).toMatch(/^tcpcmd: +\d/);
  });

  it('the library asks for it and returns it typed', async () => {
    const { target } = await startServer();
    const connection = await connect(target);
    try {
      expect(connection.info.features).toEqual(['data', 'bytes', 'stdin', 'done-output']);
      const result = await connection.run('cpu');
      if (result.data?.kind !== 'cpu') throw new Error(`expected cpu data, got ${JSON.stringify(result.data)}`);
      expect(result.data.cores).toBeGreaterThan(0);
      expect(result.stdout).toMatch(/^usage: /);
      const up = await connection.run('uptime');
      expect(up.data).toMatchObject({ kind: 'uptime', serverSeconds: expect.any(Number) });
      // A builtin that fails carries no data.
      const refused = await connection.run('disk /no/such/dir');
      expect(refused.data).toBeUndefined();
    } finally {
      await connection.close();
    }
  });
});
