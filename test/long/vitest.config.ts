import { defineConfig } from 'vitest/config';

/** Long fault loops with their own commands (not part of `npm test`): `npm run test:master-kills`. */
export default defineConfig({
  test: {
    include: ['test/long/**/*.long.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
