import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The compiled bot and a migrated database, made once per run (see the file).
    globalSetup: ['test/support/global-setup.ts'],
    // Each file opens its own database (PGlite instance or PostgreSQL database); keep 2 cores busy, not swamped.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
