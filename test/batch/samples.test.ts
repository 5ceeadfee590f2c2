import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type InputRow, readRowBatches } from '../../src/batch/input.js';
import { validateInput } from '../../src/batch/input-check.js';
import { loadTargets } from '../../src/batch/targets.js';

const sample = (name: string): string => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url));

async function rows(name: string): Promise<InputRow[]> {
  const input = await validateInput(sample(name), { hasDefaultTarget: true });
  const out: InputRow[] = [];
  for await (const batch of readRowBatches(input, new Map())) out.push(...batch);
  return out;
}

describe('samples stay valid', () => {
  it('commands.csv', async () => {
    const r = await rows('commands.csv');
    expect(r.map((x) => x.command)).toContain('echo hello, world');
    expect(r.some((x) => x.command.startsWith('linux:'))).toBe(true);
  });

  it('smoke.csv', async () => {
    const r = await rows('smoke.csv');
    expect(r.find((x) => x.command === 'linux:exit 3')).toMatchObject({ expectExit: 3, timeout: 5000 });
    expect(r.find((x) => x.name === 'quotes reach the shell')?.command).toBe(`linux:echo "double" and 'single'`);
    expect(r.every((x) => x.name !== '')).toBe(true);
  });

  it('servers.csv', async () => {
    const targets = await loadTargets(sample('servers.csv'), {});
    expect(targets.map((x) => [x.name, x.key])).toEqual([
      ['web-1', '127.0.0.1:10000'],
      ['web-2', '127.0.0.1:10001'],
      ['db', '127.0.0.1:10002'],
    ]);
  });
});
