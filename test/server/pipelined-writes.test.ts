// Runs sent together are answered together: builtins answer at once, and their answers still leave in one write.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup, startServer } from '../helpers/servers.js';

describe('pipelined answers', () => {
  it('answers 50 runs that came in one chunk with one write, after the last of them', async () => {
    const { port } = await startServer();
    const socket = net.connect(port, '127.0.0.1');
    onCleanup(() => void socket.destroy());
    socket.setNoDelay(true);
    const chunks: string[] = [];
    let text = '';
    const ready = new Promise<void>((resolve) => {
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        if (text.includes('"ready"')) chunks.push(chunk);
        text += chunk;
        if (text.includes('"ready"')) resolve();
      });
    });
    socket.write('{"type":"hello","protocol":1}\n');
    await ready;
    const runs = Array.from({ length: 50 }, (_, i) => `{"type":"run","id":${i + 1},"cmd":"echo ${i + 1}"}\n`).join('');
    socket.write(runs);
    while (!text.includes('"id":50,"exitCode"')) await new Promise((resolve) => socket.once('data', resolve));
    // One write of some 5 KB reaches a loopback reader as one chunk; a write per run would be 50 (or, read late, a few).
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.match(/"type":"done"/g)).toHaveLength(50);
  });
});
