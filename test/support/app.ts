import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { importDirectory, syncPolicyRotations } from '../../src/app/directory/import-directory.js';
import { PACKAGE_ROOT } from '../../src/config/env.js';
import { loadImport } from '../../src/config/import-file.js';
import { loadPolicy } from '../../src/config/policy.js';
import type { Policy } from '../../src/domain/policy.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { rowsOf } from '../../src/store/sql.js';
import { DrizzleStore } from '../../src/store/store.js';
import { FakeClock } from '../fakes/clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { restoreSnapshot, takeSnapshot } from './snapshot.js';

export const EXAMPLE_POLICY = resolve(PACKAGE_ROOT, 'policy/example.yaml');
export const EXAMPLE_DIRECTORY = resolve(PACKAGE_ROOT, 'policy/example-directory.yaml');

export function examplePolicy(): Policy {
  const r = loadPolicy(EXAMPLE_POLICY);
  if (!r.ok) throw new Error('example policy invalid');
  return r.policy;
}

export interface TestApp {
  db: TestDatabase;
  deps: AppDeps;
  clock: FakeClock;
  /** Puts the database back as it was seeded: the example directory alone (see snapshot.ts). */
  reset(): Promise<void>;
  /** Rows of a table via raw SQL (assertions only). */
  rows<T = Record<string, unknown>>(query: string): Promise<T[]>;
}

/** Real store on this file's own database, the example policy and directory, a fake clock. */
export async function createTestApp(
  startIso = '2026-03-02T15:00:00Z',
  opts: { runningClock?: boolean } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = new FakeClock(Date.parse(startIso), opts.runningClock ?? false);
  const policy = examplePolicy();
  const deps: AppDeps = {
    store: new DrizzleStore(db.database.db),
    clock,
    policy,
    logger: silentLogger,
    metrics: noopMetrics,
  };
  const seed = async () => {
    const data = loadImport(EXAMPLE_DIRECTORY, policy);
    if (!data.ok) throw new Error('example directory invalid');
    const r = await importDirectory(deps, data.value);
    if (!r.ok) throw r.error;
    const synced = await syncPolicyRotations(deps); // as `tierdesk start` does
    if (!synced.ok) throw synced.error;
  };
  await seed();
  await takeSnapshot(db.database.db);
  return {
    db,
    deps,
    clock,
    async reset() {
      await restoreSnapshot(db.database.db);
      clock.set(startIso);
    },
    async rows<T>(query: string) {
      const r = await db.database.db.execute(sql.raw(query));
      return rowsOf<T>(r);
    },
  };
}

/**
 * The usual lifecycle for a test file: one test app for the file (created before its tests,
 * dropped after them), reset before each test. The returned object stands for that app.
 */
export function useTestApp(startIso?: string): TestApp {
  let current: TestApp | null = null;
  beforeAll(async () => {
    current = await createTestApp(startIso);
  });
  afterAll(async () => {
    await current?.db.drop();
  });
  beforeEach(async () => {
    await current!.reset();
  });
  return new Proxy({} as TestApp, {
    get(_, key) {
      if (!current) throw new Error('the test app exists only inside the tests');
      return current[key as keyof TestApp];
    },
  });
}
