import { defineConfig } from 'vitest/config';

const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    teardownTimeout: 10_000,
    pool: 'forks',
    // CI also writes a JSON report, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: '.ci/vitest-report.json' } : undefined,
  },
});
