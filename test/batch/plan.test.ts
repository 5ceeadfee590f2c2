import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateInput } from '../../src/batch/input-check.js';
import { buildPlan, concurrencyHint } from '../../src/batch/plan.js';
import { indexTargets, parseTargetOption } from '../../src/batch/targets.js';
import { useTempDir } from './helpers.js';

const t = useTempDir();

describe('plan', () => {
  const a = parseTargetOption('10.0.0.1:1');
  const b = parseTargetOption('10.0.0.2:1');

  async function input(text: string, defaults = [a, b]) {
    const path = t.path('p.csv');
    writeFileSync(path, text);
    return validateInput(path, { hasDefaultTarget: defaults.length > 0, knownTargets: indexTargets(defaults) });
  }

  it('makes one job per default target, then one per target named only in rows', async () => {
    const inp = await input('command,target\nos,\nos,10.0.0.2:1\nos,10.0.0.9:1\nos,\n');
    const jobs = buildPlan(inp, [a, b], { concurrency: 4, unordered: false });
    expect(jobs.map((j) => [j.target.key, j.rows, j.takesUntargeted, j.sessions])).toEqual([
      ['10.0.0.1:1', 2, true, 1],
      ['10.0.0.2:1', 3, true, 1],
      ['10.0.0.9:1', 1, false, 1],
    ]);
    expect(concurrencyHint(jobs, { concurrency: 4, unordered: false })).toBe(
      "hint: --concurrency 4 but 3 targets: each target's rows run in file order on one session; add --unordered to spread them over up to 4 sessions",
    );
    expect(concurrencyHint(jobs, { concurrency: 3, unordered: false })).toBeNull();
  });

  it('with --unordered, shares the sessions among targets, never more than rows', async () => {
    const inp = await input('command\n' + 'os\n'.repeat(10));
    expect(buildPlan(inp, [a], { concurrency: 4, unordered: true }).map((j) => j.sessions)).toEqual([4]);
    expect(buildPlan(inp, [a, b], { concurrency: 5, unordered: true }).map((j) => j.sessions)).toEqual([3, 2]);
    const small = await input('command\nos\nos\n');
    expect(buildPlan(small, [a], { concurrency: 8, unordered: true }).map((j) => j.sessions)).toEqual([2]);
    expect(concurrencyHint(buildPlan(small, [a], { concurrency: 8, unordered: true }), { concurrency: 8, unordered: true })).toBeNull();
  });
});
