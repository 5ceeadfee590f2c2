// The bytes and stdin features at the protocol level: negotiated in hello, old clients keep getting text.
import { describe, expect, it } from 'vitest';
import { RawClient, startServer } from '../helpers/servers.js';

async function session(port: number, features?: string[]): Promise<RawClient> {
  const c = await RawClient.connect(port);
  c.sendFrame({ type: 'hello', protocol: 1, ...(features ? { features } : {}) });
  const hello = await c.nextFrame();
  expect(hello.features).toEqual(features?.filter((f) => f === 'bytes' || f === 'stdin'));
  expect(await c.nextFrame()).toMatchObject({ type: 'ready' });
  return c;
}

/** The out frames of run `id` up to its done frame. */
async function answer(c: RawClient): Promise<{ outs: { data: string; encoding?: string }[]; done: { exitCode: number | null } }> {
  const outs = [];
  for (;;) {
    const frame = await c.nextFrame();
    if (frame.type === 'done') return { outs, done: frame };
    outs.push(frame);
  }
}

describe('protocol: bytes and stdin', () => {
  it('sends bytes that are not UTF-8 as base64 to a client that asked, as text (U+FFFD) to one that did not', async () => {
    const { port } = await startServer();
    const cmd = "linux:printf 'ok \\342\\202\\254 \\377\\n'";
    const old = await session(port);
    old.sendFrame({ type: 'run', id: 1, cmd });
    const text = await answer(old);
    expect(text.outs.map((o) => o.data).join('')).toBe('ok € \uFFFD\n');
    expect(text.outs.every((o) => o.encoding === undefined)).toBe(true);

    const bytes = await session(port, ['bytes', 'stdin', 'future-thing']);
    bytes.sendFrame({ type: 'run', id: 1, cmd });
    const raw = await answer(bytes);
    const got = Buffer.concat(raw.outs.map((o) => Buffer.from(o.data, o.encoding === 'base64' ? 'base64' : 'utf8')));
    expect(got).toEqual(Buffer.from('ok \xe2\x82\xac \xff\n', 'latin1'));
    bytes.sendFrame({ type: 'run', id: 2, cmd: 'linux:echo plain' });
    expect((await answer(bytes)).outs).toEqual([{ type: 'out', id: 2, stream: 'stdout', data: 'plain\n' }]);
  });

  it('feeds stdin frames to the command, ends it on eof, and drops frames for a run already answered', async () => {
    const { port } = await startServer();
    const c = await session(port, ['bytes', 'stdin']);
    c.sendFrame({ type: 'run', id: 'a', cmd: 'linux:wc -c', stdin: true });
    c.sendFrame({ type: 'stdin', id: 'a', data: Buffer.from('hello ').toString('base64') });
    c.sendFrame({ type: 'stdin', id: 'a', data: Buffer.from([0, 255, 10]).toString('base64'), eof: true });
    const counted = await answer(c);
    expect(counted.outs.map((o) => o.data).join('').trim()).toBe('9');
    c.sendFrame({ type: 'stdin', id: 'a', data: 'eA==' });
    // A run that did not ask for stdin reads an empty one.
    c.sendFrame({ type: 'run', id: 'b', cmd: 'linux:cat; echo end' });
    expect((await answer(c)).outs.map((o) => o.data).join('')).toBe('end\n');
    c.sendFrame({ type: 'stdin', id: 'a', data: 'not base64!' });
    expect(await c.nextFrame()).toMatchObject({ type: 'error', code: 'BAD_FRAME', fatal: false });
  });
});
