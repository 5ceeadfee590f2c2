// connectAndRun: the first command goes with the handshake (with the hello, or with the auth), not after the server's ready.
import net from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { connectAndRun } from '../../src/client/connect.js';
import { testCommands } from '../helpers/commands.js';
import { onCleanup, startServer } from '../helpers/servers.js';

describe('connectAndRun', () => {
  it('sends the run with the hello: a server that answers nothing until it has both still answers', async () => {
    // A server that holds its hello back until the run has come: a client waiting for ready before its run would wait forever.
    const seen: string[] = [];
    const server = net.createServer((socket) => {
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        const frames = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string });
        if (seen.length > 0 || !frames.some((f) => f.type === 'run')) return;
        seen.push(...frames.map((f) => f.type));
        socket.write('{"type":"hello","protocol":1,"server":"held/1","hostname":"h","auth":"none","nonce":"n","features":["data"]}\n');
        socket.write('{"type":"ready","session":"s","commands":["hostname"]}\n');
        socket.write('{"type":"out","id":1,"stream":"stdout","data":"h\\n"}\n{"type":"done","id":1,"exitCode":0,"durationMs":1}\n');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as net.AddressInfo;
    const { connection, result } = await connectAndRun({ host: '127.0.0.1', port }, 'hostname', {}, { token: '' });
    onCleanup(() => connection.close());
    expect(await result).toMatchObject({ exitCode: 0, stdout: 'h\n' });
    expect(seen).toEqual(['hello', 'run']);
  });

  it('runs on a real server without a token, and with one (the run goes with the auth)', async () => {
    const open = await startServer({ commands: testCommands });
    const a = await connectAndRun(open.target, 'echo one', {}, { token: '' });
    onCleanup(() => a.connection.close());
    expect(await a.result).toMatchObject({ exitCode: 0, stdout: 'one\n' });
    expect(await a.connection.run('echo two')).toMatchObject({ exitCode: 0, stdout: 'two\n' });

    const guarded = await startServer({ commands: testCommands, token: 'the-token' });
    const b = await connectAndRun(guarded.target, 'echo three', { timeout: 5_000 }, { token: 'the-token' });
    onCleanup(() => b.connection.close());
    expect(await b.result).toMatchObject({ exitCode: 0, stdout: 'three\n' });
  });

  it('rejects as connect does when the server wants a token it was not given', async () => {
    const guarded = await startServer({ commands: testCommands, token: 'the-token' });
    await expect(connectAndRun(guarded.target, 'echo x', {}, { token: '' })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });
});
