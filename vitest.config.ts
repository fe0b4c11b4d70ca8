import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The compiled bot and a migrated database, made once per run (see the file).
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: LongestFirst },
    // Each file opens its own database (PGlite instance or PostgreSQL database); keep 2 cores busy, not swamped.
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    // Tests wait for conditions, each with a deadline (test/support/eventually.ts) that fails it with
    // what it waited for; these are the backstop behind them, generous for two cores shared with
    // other work. Process tests set their own, a few times PROCESS_DEADLINE_MS.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
