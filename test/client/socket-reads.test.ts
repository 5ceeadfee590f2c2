import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { onCleanup } from '../helpers/servers.js';

/**
 * The client reads a plain connection into one buffer it reuses for every
 * read: nothing read earlier may change when the next read fills it. A peer
 * written here speaks the protocol in pieces cut anywhere (inside a frame,
 * inside a UTF-8 character) and sends more than that buffer holds at once.
 */
describe('reading a connection into a reused buffer', () => {
  it('keeps every frame whole however the bytes are cut, and an output larger than one read, on two connections at once', async () => {
    const big = 'é'.repeat(100_000) + '\n'; // 200 KB of two-byte characters: several reads, cut mid-character
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      const send = async (text: string, cuts: number[]): Promise<void> => {
        const bytes = Buffer.from(text);
        let from = 0;
        for (const cut of [...cuts, bytes.length]) {
          socket.write(bytes.subarray(from, cut));
          from = cut;
          await new Promise((resolve) => setTimeout(resolve, 5)); // a read of its own
        }
      };
      let heard = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        heard += chunk;
        if (heard.includes('"hello"') && !heard.includes('"run"')) {
          // The hello, then ready, each cut in three.
          void send('{"type":"hello","protocol":1,"server":"peer","hostname":"h","auth":"none","nonce":"n"}\n', [1, 30]).then(() =>
            send('{"type":"ready","session":"s","commands":["echo"]}\n', [5, 6]));
        }
        const run = /"type":"run","id":(\d+)/.exec(heard);
        if (run) {
          heard = '';
          const id = run[1];
          const frames = `{"type":"out","id":${id},"stream":"stdout","data":${JSON.stringify(big)}}\n{"type":"out","id":${id},"stream":"stderr","data":"ü"}\n{"type":"done","id":${id},"exitCode":0,"durationMs":1}\n`;
          const length = Buffer.byteLength(frames);
          void send(frames, [3, 70_001, 70_002, length - 40, length - 39]);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as net.AddressInfo;
    // Two connections at once: every plain connection of the process reads into the same buffer.
    const conns = await Promise.all([connect(`127.0.0.1:${port}`), connect(`127.0.0.1:${port}`)]);
    for (const conn of conns) onCleanup(() => conn.close());
    for (const result of await Promise.all(conns.map((conn) => conn.run('echo big')))) {
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(big);
      expect(result.stderr).toBe('ü');
    }
  });
});
