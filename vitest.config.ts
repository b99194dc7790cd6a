import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**', 'test/compat/**/.venv/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files start real processes and ports; run files in separate forks, a few at a time.
    pool: 'forks',
    maxWorkers: 2,
  },
});
