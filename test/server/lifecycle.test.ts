import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { testCommands } from '../helpers/commands.js';
import { RawClient, startServer } from '../helpers/servers.js';

const commands = testCommands;

describe('server lifecycle', () => {
  it('reset closes every session with SESSION_RESET and re-opens the listener on the same port', async () => {
    const { server, port } = await startServer({ commands });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    await a.handshake();
    await b.handshake();
    const reopened = new Promise((r) => server.once('reset', r));
    a.sendFrame({ type: 'run', id: 1, cmd: 'reset' });
    expect(await a.nextFrame()).toMatchObject({ type: 'done', id: 1, exitCode: 0 });
    expect(await a.nextFrame()).toMatchObject({ type: 'bye', code: 'SESSION_RESET' });
    expect(await b.nextFrame()).toMatchObject({ type: 'bye', code: 'SESSION_RESET' });
    await Promise.all([a.closedByServer(), b.closedByServer()]);
    await reopened;
    expect(server.address().port).toBe(port);
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'echo back' });
    expect((await c.untilDone(1))[0].data).toBe('back\n');
  });

  it('answers the running command of every session a reset closes, before its bye', async () => {
    const { port } = await startServer({ commands });
    const busy = await RawClient.connect(port);
    await busy.handshake();
    busy.sendFrame({ type: 'run', id: 7, cmd: 'sleep 10000' });
    busy.sendFrame({ type: 'run', id: 8, cmd: 'echo queued' });
    const admin = await RawClient.connect(port);
    await admin.handshake();
    await new Promise((r) => setTimeout(r, 50));
    admin.sendFrame({ type: 'run', id: 1, cmd: 'reset' });
    const frames = [await busy.nextFrame(), await busy.nextFrame(), await busy.nextFrame()];
    expect(frames.map((f) => [f.type, f.id, f.code ?? f.error?.code])).toEqual([
      ['done', 7, 'SESSION_RESET'],
      ['done', 8, 'SESSION_RESET'],
      ['bye', undefined, 'SESSION_RESET'],
    ]);
  });

  it('stops, keeping the cause, when a reset cannot re-open its port', async () => {
    const { server, port } = await startServer({ commands });
    // A client that does not close its side holds the reset (the listener is already closed) while the port is taken.
    const holder = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    holder.on('error', () => {});
    holder.write('{"type":"hello","protocol":1}\n');
    await new Promise((r) => setTimeout(r, 100));
    const closed = new Promise((r) => server.once('close', r));
    const resetting = server.reset();
    await new Promise((r) => setTimeout(r, 100));
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    holder.end();
    await resetting;
    await closed;
    expect(server.failure).toMatchObject({ code: 'USAGE', message: expect.stringContaining('port is in use') });
    await new Promise((r) => squatter.close(r));
  });

  it('kill lets the running command finish within the grace, answers queued runs, and closes', async () => {
    const { server, port } = await startServer({ commands, limits: { shutdownGraceMs: 2_000 } });
    const worker = await RawClient.connect(port);
    await worker.handshake();
    worker.sendFrame({ type: 'run', id: 1, cmd: 'sleep 200' });
    worker.sendFrame({ type: 'run', id: 2, cmd: 'echo never' });
    const admin = await RawClient.connect(port);
    await admin.handshake();
    const closed = new Promise((r) => server.once('close', r));
    admin.sendFrame({ type: 'run', id: 1, cmd: 'kill' });
    const frames = await worker.untilDone(1);
    const all = [...frames, await worker.nextFrame(), await worker.nextFrame()];
    expect(all).toContainEqual(expect.objectContaining({ type: 'done', id: 2, error: expect.objectContaining({ code: 'SERVER_SHUTTING_DOWN' }) }));
    expect(all).toContainEqual(expect.objectContaining({ type: 'done', id: 1, exitCode: 0 }));
    expect(all).toContainEqual(expect.objectContaining({ type: 'bye', code: 'SERVER_SHUTTING_DOWN' }));
    await closed;
    await expect(connect(`127.0.0.1:${port}`, { connectTimeoutMs: 1_000 })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('stops a command that outlives the shutdown grace', async () => {
    const { server, port } = await startServer({ commands, limits: { shutdownGraceMs: 100 } });
    const c = await RawClient.connect(port);
    await c.handshake();
    c.sendFrame({ type: 'run', id: 1, cmd: 'sleep 10000' });
    await new Promise((r) => setTimeout(r, 50));
    await server.close('test');
    const frames = await c.untilDone(1);
    expect(frames.at(-1).error.code).toBe('SERVER_SHUTTING_DOWN');
  });

  it('refuses sessions past --max-sessions with TOO_MANY_SESSIONS', async () => {
    const { port } = await startServer({ commands, limits: { maxSessions: 2 } });
    await connect(`127.0.0.1:${port}`);
    await connect(`127.0.0.1:${port}`).then((c) => c);
    await expect(connect(`127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'TOO_MANY_SESSIONS' });
  });

  it('says clearly when the port is taken', async () => {
    const { port } = await startServer({ commands });
    await expect(startServer({ commands, port })).rejects.toThrow(/port is in use/);
  });

  it('offers only what --allow and --deny let through', async () => {
    const { target } = await startServer({ commands, policy: { allow: ['linux:echo *', 'ec*', 'fail'], deny: ['fail'] } });
    const conn = await connect(target);
    expect(conn.info.commands.sort()).toEqual(['echo', 'linux:']);
    await conn.close();
  });

  it('applies --no-shell, --no-admin, --allow and --deny, answering FORBIDDEN', async () => {
    const { target } = await startServer({ commands, policy: { shell: false, admin: false, deny: ['echo secret*'], allow: ['echo *', 'linux:*', 'kill'] } });
    const conn = await connect(target);
    expect(conn.info.commands).not.toContain('linux:');
    expect(conn.info.commands).not.toContain('kill');
    const results = await Promise.all(['linux:ls', 'kill', 'echo secret stuff', 'fail', 'echo fine'].map((c) => conn.run(c)));
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'ok']);
    expect(results[0]?.error?.message).toContain('--no-shell');
    expect(results[2]?.error?.message).toContain('"echo secret*"');
  });
});
