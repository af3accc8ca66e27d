import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The run ends with what was skipped for a missing system program, and how to install it.
    reporters: ['default', './test/helpers/skip-summary.ts'],
  },
});
