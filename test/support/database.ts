import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { MIGRATIONS_DIR } from '../../src/config/env.js';
import { type Database, openDatabase } from '../../src/store/db.js';

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
 * A database of this test file's own, migrated: a fresh PostgreSQL database (created and dropped
 * here, so runs never see each other's data) or an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  let url: string | undefined;
  let admin: postgres.Sql | undefined;
  let name = '';
  if (TEST_DATABASE_URL) {
    name = `tierdesk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    url = withDatabase(TEST_DATABASE_URL, name);
  }
  const database = await openDatabase({ url, dataDir: 'memory://', poolSize: 8 });
  await database.migrate(MIGRATIONS_DIR);
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
