/** A database of the figure's own: a fresh PostgreSQL database (dropped after) or a PGlite folder. */
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { AppDeps } from '../../src/app/deps.js';
import { importDirectory, syncPolicyRotations } from '../../src/app/directory/import-directory.js';
import { MIGRATIONS_DIR } from '../../src/config/env.js';
import { loadImport } from '../../src/config/import-file.js';
import type { Policy } from '../../src/domain/policy.js';
import type { Clock } from '../../src/ports/clock.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { rowsOf } from '../../src/store/sql.js';
import { DrizzleStore } from '../../src/store/store.js';
import { EXAMPLE_DIRECTORY, examplePolicy } from '../../test/support/app.js';

/** The pool size `tierdesk start` uses by default (DATABASE_POOL_SIZE). */
export const DEFAULT_POOL = 10;

export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** URL of this figure's own database (PostgreSQL), for bot processes. */
  url: string | undefined;
  /** PGlite folder (for bot processes; only one process may open it at a time). */
  dataDir: string;
  policy: Policy;
  /** Opens a connection pool (or the PGlite folder) on the database. */
  open(poolSize?: number): Promise<Database>;
  /** Drops the database or deletes the folder. */
  drop(): Promise<void>;
}

async function seed(database: Database, policy: Policy): Promise<void> {
  await database.migrate(MIGRATIONS_DIR);
  const deps = appDeps(database, policy, { now: () => Date.now() });
  const dir = loadImport(EXAMPLE_DIRECTORY, policy);
  if (!dir.ok) throw new Error('example directory invalid');
  const imported = await importDirectory(deps, dir.value);
  if (!imported.ok) throw imported.error;
  const synced = await syncPolicyRotations(deps);
  if (!synced.ok) throw synced.error;
}

/**
 * Creates, migrates and seeds (example directory and rotations) a database for one figure. With
 * TIERDESK_BENCH_SEEDED (set by run.ts for --smoke), a PGlite figure copies the folder the run's
 * first figure seeded there instead: the same database, without running every migration again
 * (3 s of CPU per figure, most of a smoke figure).
 */
export async function createBenchDatabase(
  serverUrl: string | undefined,
  name: string,
): Promise<BenchDatabase> {
  const policy = examplePolicy();
  const dataDir = serverUrl ? '' : mkdtempSync(join(tmpdir(), `tierdesk-bench-${name}-`));
  let url: string | undefined;
  let admin: postgres.Sql | undefined;
  const dbName = `tierdesk_bench_${name}_${process.pid}`;
  if (serverUrl) {
    admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.unsafe(`create database "${dbName}"`);
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  // DATABASE_PREPARE=false runs the figures without prepared statements, as the bot would run.
  const prepare = process.env.DATABASE_PREPARE !== 'false';
  const open = (poolSize = DEFAULT_POOL) => openDatabase({ url, dataDir, poolSize, prepare });
  const seeded = serverUrl ? undefined : process.env.TIERDESK_BENCH_SEEDED;
  if (seeded && existsSync(join(seeded, 'PG_VERSION'))) cpSync(seeded, dataDir, { recursive: true });
  else {
    const database = await open(2);
    await seed(database, policy);
    await database.close();
    if (seeded) {
      cpSync(dataDir, `${seeded}.copying`, { recursive: true });
      renameSync(`${seeded}.copying`, seeded);
    }
  }
  return {
    kind: serverUrl ? 'postgres' : 'pglite',
    url,
    dataDir,
    policy,
    open,
    async drop() {
      if (admin) {
        await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
        await admin.end();
      } else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function appDeps(database: Database, policy: Policy, clock: Clock): AppDeps {
  return {
    store: new DrizzleStore(database.db),
    clock,
    policy,
    logger: silentLogger,
    metrics: noopMetrics,
    platforms: ['slack'],
  };
}

/** Rows of a raw query, whichever driver. */
export async function rows<T>(database: Database, query: string): Promise<T[]> {
  const r = await database.db.execute(sql.raw(query));
  return rowsOf<T>(r);
}
