// The done-output feature at the protocol level: a builtin's answer in one frame for a client that asked, two for one that did not.
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client/index.js';
import { RawClient, onCleanup, startServer } from '../helpers/servers.js';

async function session(port: number, features?: string[]): Promise<RawClient> {
  const c = await RawClient.connect(port);
  c.sendFrame({ type: 'hello', protocol: 1, ...(features ? { features } : {}) });
  expect((await c.nextFrame()).features).toEqual(features?.filter((f) => f === 'done-output'));
  expect(await c.nextFrame()).toMatchObject({ type: 'ready' });
  return c;
}

/** Every frame of run `id` up to its done frame; the done frame's duration is checked (whole ms) and left out, so the rest compares exactly. */
async function frames(c: RawClient): Promise<Record<string, unknown>[]> {
  const all = [];
  for (;;) {
    const frame = await c.nextFrame();
    if (frame.type !== 'done') {
      all.push(frame);
      continue;
    }
    const { durationMs, ...rest } = frame;
    expect(Number.isInteger(durationMs) && durationMs >= 0).toBe(true);
    all.push(rest);
    return all;
  }
}

describe('protocol: done-output', () => {
  it('puts a builtin\'s output in its done frame for a client that asked, and in out frames for one that did not', async () => {
    const { port } = await startServer();
    const old = await session(port);
    old.sendFrame({ type: 'run', id: 1, cmd: 'echo hi' });
    expect(await frames(old)).toEqual([
      { type: 'out', id: 1, stream: 'stdout', data: 'hi\n' },
      { type: 'done', id: 1, exitCode: 0 },
    ]);

    const folding = await session(port, ['done-output']);
    folding.sendFrame({ type: 'run', id: 'a', cmd: 'echo hi "there"' });
    expect(await frames(folding)).toEqual([{ type: 'done', id: 'a', exitCode: 0, stdout: 'hi "there"\n' }]);
    // Output that left before the end (a process's, read as it comes) stays in out frames, in order.
    folding.sendFrame({ type: 'run', id: 'b', cmd: 'linux:echo one; sleep 0.2; echo two >&2' });
    const pieces = (await frames(folding)).flatMap((f) => (f.type === 'out' ? [`${String(f.stream)}:${String(f.data)}`]
      : ['stdout', 'stderr'].filter((s) => typeof f[s] === 'string').map((s) => `${s}:${String(f[s])}`)));
    expect(pieces).toEqual(['stdout:one\n', 'stderr:two\n']);
  });

  it('the library asks for it, and a result and its onOutput are the same either way', async () => {
    const { target } = await startServer();
    const connection = await connect(target);
    onCleanup(() => connection.close());
    expect(connection.info.features).toContain('done-output');
    const seen: string[] = [];
    const result = await connection.run('echo folded', { onOutput: (stream, data) => seen.push(`${stream}:${data}`) });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'folded\n', stderr: '' });
    expect(seen).toEqual(['stdout:folded\n']);
  });
});
