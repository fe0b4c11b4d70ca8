import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/config/env.js';
import { type Database, type Db, openDatabase } from '../../src/store/db.js';
import * as schema from '../../src/store/schema/index.js';

/** Which database the suites run on: real PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_DB_KIND = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase {
  database: Database;
  /** The URL of this file's own database (PostgreSQL only), for child processes. */
  url: string | undefined;
  /** Empties every table (between tests). */
  truncate(): Promise<void>;
  /** Closes and drops the file's database. */
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * An in-memory PGlite loaded from a dump of a migrated cluster, with the driver set up as
 * openDatabase sets it up for `memory://`.
 */
async function loadPglite(dump: string): Promise<Database> {
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create('memory://', { loadDataDir: new Blob([readFileSync(dump)]) });
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    kind: 'pglite',
    socket: null,
    via: null,
    migrate: (migrationsFolder) => migrate(drizzle(client), { migrationsFolder }),
    close: () => client.close(),
  };
}

/**
 * A database of this test file's own, migrated: a fresh PostgreSQL database (created and dropped
 * here, so runs never see each other's data) or an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  let url: string | undefined;
  let admin: postgres.Sql | undefined;
  let name = '';
  // Made once per run by global-setup.ts; absent when a file runs without it, which then migrates.
  const template = inject('testDatabaseTemplate');
  const dump = inject('testDatabaseDump');
  if (TEST_DATABASE_URL) {
    name = `tierdesk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"${template ? ` template "${template}"` : ''}`);
    url = withDatabase(TEST_DATABASE_URL, name);
  }
  const database =
    !url && dump ? await loadPglite(dump) : await openDatabase({ url, dataDir: 'memory://', poolSize: 8 });
  if (!(url ? template : dump)) await database.migrate(MIGRATIONS_DIR);
  return {
    database,
    url,
    async truncate() {
      const rows = await database.db.execute<{ tablename: string }>(
        sql`select tablename from pg_tables where schemaname = 'public'`,
      );
      const list = (
        Array.isArray(rows) ? rows : (rows as unknown as { rows: Array<{ tablename: string }> }).rows
      )
        .map((r) => `"${r.tablename}"`)
        .join(', ');
      if (list) await database.db.execute(sql.raw(`truncate ${list} restart identity cascade`));
    },
    async drop() {
      await database.close();
      if (admin) {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    },
  };
}
