// The client's ReconnectingConnection (src/client/reconnecting.ts), which the REPL is built on.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ReconnectingConnection, connect, type Connection } from '../../src/client/index.js';
import { isTcpcmdError, type TcpcmdError } from '../../src/protocol/index.js';
import { serve } from '../../src/server/index.js';
import { testCommands } from '../helpers/commands.js';
import { onCleanup, startServer } from '../helpers/servers.js';
import { until } from './helpers.js';

function reconnecting(target: string, first: Connection): ReconnectingConnection {
  const rc = new ReconnectingConnection(first, (signal) => connect(target, { signal }), { minDelayMs: 10, maxDelayMs: 100 });
  onCleanup(() => rc.close());
  return rc;
}

describe('ReconnectingConnection', () => {
  it('comes back by itself after a server reset, and says so', async () => {
    const { server, target } = await startServer({ commands: testCommands });
    const rc = reconnecting(target, await connect(target));
    const events: string[] = [];
    rc.on('disconnected', (err) => events.push(`lost ${err.code}`));
    rc.on('reconnected', () => events.push('back'));
    const firstSession = rc.connection?.info.session;
    await server.reset();
    await until(() => events.join(','), (e) => e === 'lost SESSION_RESET,back', 'lost and back');
    expect(rc.connection?.info.session).not.toBe(firstSession);
    expect((await (await rc.ready()).run('echo again')).stdout).toBe('again\n');
  });

  it('keeps trying with backoff while the server is down, and ready() tries at once', async () => {
    const { server, target, port } = await startServer({ commands: testCommands });
    const rc = reconnecting(target, await connect(target));
    let lost = 0;
    rc.on('disconnected', () => lost++);
    await server.close();
    await until(() => lost, (n) => n === 1, 'the loss');
    expect(rc.connection).toBeUndefined();
    await expect(rc.ready()).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    const again = await serve({ host: '127.0.0.1', port, commands: testCommands });
    onCleanup(() => again.close());
    const conn = await until(() => rc.ready().catch(() => undefined), (c) => c !== undefined, 'a connection');
    expect((await conn?.run('echo restarted'))?.stdout).toBe('restarted\n');
  });

  it('after an idle close it does not come back by itself; ready() brings it back', async () => {
    const { target } = await startServer({ commands: testCommands, limits: { idleTimeoutMs: 100 } });
    let opened = 0;
    const rc = new ReconnectingConnection(await connect(target), (signal) => (opened++, connect(target, { signal })), { minDelayMs: 10 });
    onCleanup(() => rc.close());
    const lost: string[] = [];
    rc.on('disconnected', (err) => lost.push(err.code));
    await until(() => lost.join(','), (l) => l === 'IDLE_TIMEOUT', 'the idle close');
    // Another client closed for idleness twice over: time enough for many background tries at 10 ms.
    for (let i = 0; i < 2; i++) {
      const probe = await connect(target);
      await new Promise((resolve) => probe.once('close', resolve));
    }
    expect(opened).toBe(0);
    expect(rc.connection).toBeUndefined();
    expect((await (await rc.ready()).run('echo back')).stdout).toBe('back\n');
    expect(opened).toBe(1);
  });

  it('stops trying in the background on an answer waiting cannot change (a wrong token)', async () => {
    const { server, target } = await startServer({ commands: testCommands, token: 's3cret' });
    const first = await connect(target, { token: 's3cret' });
    const outcomes: string[] = [];
    const guess = (signal: AbortSignal): Promise<Connection> => connect(target, { token: 'guess', signal }).catch((err: unknown) => {
      outcomes.push(isTcpcmdError(err) ? err.code : String(err));
      throw err;
    });
    const rc = new ReconnectingConnection(first, guess, { minDelayMs: 10 });
    onCleanup(() => rc.close());
    const stopped = once(rc, 'stopped') as Promise<[TcpcmdError]>;
    await server.reset();
    const [err] = await stopped;
    expect(err.code).toBe('AUTH_FAILED');
    // Tries made while the listener re-opened fail otherwise and are tried again; the first wrong proof is the last try.
    expect(outcomes.indexOf('AUTH_FAILED')).toBe(outcomes.length - 1);
    await rc.close();
    await expect(rc.ready()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });
});
