import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { killTree } from '../../../src/server/shell/kill-tree.js';
import { eventually, isDead, killQuietly } from '../run-context.js';

const started = new Set<number>();
afterEach(() => {
  killQuietly(started);
  started.clear();
});

describe.skipIf(process.platform === 'win32')('killTree', () => {
  it('kills a process and the children it started', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & echo $!; sleep 30'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = child.pid ?? 0;
    started.add(pid);
    const grandchild = await new Promise<number>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
    started.add(grandchild);
    killTree(pid);
    expect(await eventually(() => isDead(pid) && isDead(grandchild))).toBe(true);
  });

  it('is quiet about a process that is already gone', async () => {
    const child = spawn('/bin/sh', ['-c', 'exit 0'], { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(() => killTree(child.pid ?? 0)).not.toThrow();
  });
});
