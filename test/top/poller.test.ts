import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseTargetOption } from '../../src/batch/targets.js';
import { ServerPoller } from '../../src/top/poller.js';
import { onCleanup, startServer } from '../helpers/servers.js';

const options = { intervalMs: 100, timeoutMs: 400, connect: {}, historyLength: 3 };

/** A server that completes the handshake, then never answers a run. */
async function silentServer(): Promise<string> {
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      socket.write('{"type":"hello","protocol":1,"server":"mute/1","hostname":"m","auth":"none","nonce":"n","features":["data"]}\n');
      socket.write('{"type":"ready","session":"s","commands":[]}\n');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

describe('ServerPoller', () => {
  it('polls a server: up, its figures, uptime asked once per connection, the history bounded', async () => {
    const { target } = await startServer();
    const poller = new ServerPoller(parseTargetOption(target), 0, options);
    onCleanup(() => poller.close());
    for (let i = 0; i < 4; i++) await poller.poll();
    const view = poller.view();
    expect(view).toMatchObject({ status: 'up', reason: '' });
    expect(view.sample).toMatchObject({ ramTotalBytes: expect.any(Number), diskPercent: expect.any(Number), uptimeSeconds: expect.any(Number) });
    expect(view.history).toHaveLength(3);
  });

  it('a server that stops answering is down after the timeout, and only its own poll waits', async () => {
    const poller = new ServerPoller(parseTargetOption(await silentServer()), 0, options);
    onCleanup(() => poller.close());
    const polling = poller.poll();
    // While it waits longer than the interval, the row says so (stale, had it been up before).
    await new Promise((r) => setTimeout(r, 200));
    expect(poller.view()).toMatchObject({ status: 'connecting', reason: expect.stringMatching(/^no answer for \d+\.\d s$/) });
    await polling;
    expect(poller.view()).toMatchObject({ status: 'down', reason: 'TIMEOUT: no answer within 400 ms', history: [null] });
  });
});
