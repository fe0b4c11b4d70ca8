import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/config/env.js';
import { type Database, openDatabase, PREPARE_MAX_PARAMS } from '../../src/store/db.js';
import { tickets } from '../../src/store/schema/index.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../support/database.js';

/** Statements prepared on the connection of the transaction `fn` runs in, after `fn`. */
async function preparedAfter(database: Database, fn: (tx: Database['db']) => Promise<unknown>) {
  return database.db.transaction(async (tx) => {
    await fn(tx as unknown as Database['db']);
    await fn(tx as unknown as Database['db']);
    const rows = await tx.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
    return (Array.isArray(rows) ? rows : []).map((r) => r.statement);
  });
}

describe.skipIf(!TEST_DATABASE_URL)('prepared statements on PostgreSQL', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('prepares a statement once per connection, in transactions too, and reuses it', async () => {
    const query = (db: Database['db']) =>
      db.select({ id: tickets.id }).from(tickets).where(sql`${tickets.id} = ${42}`);
    const statements = await preparedAfter(test.database, query);
    const mine = statements.filter((s) => /from "tickets" where "tickets"."id" = \$1/.test(s));
    expect(mine).toHaveLength(1);
  });

  it('plans every execution of a prepared statement for its own parameters, never generically', async () => {
    // PostgreSQL may switch a prepared statement to a generic plan after five executions; for the
    // outbox claim that plan was a thousand times slower than the custom one.
    const counts = await test.database.db.transaction(async (tx) => {
      for (let i = 0; i < 12; i++)
        await tx.select({ id: tickets.id }).from(tickets).where(sql`${tickets.id} = ${i}`);
      const rows = await tx.execute<{ generic: string; custom: string }>(
        sql`select generic_plans as generic, custom_plans as custom from pg_prepared_statements
            where statement like '%from "tickets" where "tickets"."id" = $1%'`,
      );
      return Array.isArray(rows) ? rows : [];
    });
    expect(counts).toHaveLength(1);
    expect(Number(counts[0]!.generic)).toBe(0);
    expect(Number(counts[0]!.custom)).toBeGreaterThanOrEqual(12);
  });

  it('leaves a statement with many parameters (an IN list) unnamed', async () => {
    const ids = Array.from({ length: PREPARE_MAX_PARAMS + 1 }, (_, i) => i + 1);
    const statements = await preparedAfter(test.database, (db) =>
      db.select({ id: tickets.id }).from(tickets).where(sql`${tickets.id} in ${ids}`),
    );
    expect(statements.filter((s) => s.includes(`$${PREPARE_MAX_PARAMS + 1}`))).toEqual([]);
  });

  it('prepares nothing with prepare: false (for a pooler that cannot keep prepared statements)', async () => {
    const database = await openDatabase({ url: test.url, poolSize: 1, prepare: false });
    try {
      await database.migrate(MIGRATIONS_DIR);
      const statements = await preparedAfter(database, (db) =>
        db.select({ id: tickets.id }).from(tickets).where(sql`${tickets.id} = ${7}`),
      );
      expect(statements).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
