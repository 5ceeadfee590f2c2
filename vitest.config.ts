import { defineConfig } from 'vitest/config';

const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    teardownTimeout: 10_000,
    pool: 'forks',
    // Two files at a time, also on a 2-core machine (vitest's default there is one): most tests
    // wait on sockets and child processes, not on the CPU. Tests wait for events, never for time.
    maxWorkers: 2,
    // CI also writes a JSON report, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: '.ci/vitest-report.json' } : undefined,
  },
});
