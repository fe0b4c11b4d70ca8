import { sql } from 'drizzle-orm';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database, Db } from './database.js';
import { openEmbedded } from './pglite-db.js';
import * as schema from './schema/index.js';

export type { Database, Db, DbOrTx, Schema, Tx } from './database.js';

export interface DatabaseOptions {
  /** postgres:// URL; when absent, embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** PostgreSQL: named prepared statements (default true); false behind a pooler that cannot keep them. */
  prepare?: boolean | undefined;
  /**
   * PGlite: an initialised cluster to copy into a missing or empty data folder instead of running
   * initdb (see pglite-template.ts). Default: the one `tierdesk prepare` made; null: none.
   */
  pgliteTemplate?: string | null | undefined;
  /**
   * PGlite: this process is the bot. It serves the database to `tierdesk` commands and refuses a
   * folder that another process holds; without it, a command works through a running bot, or opens
   * the folder itself if it is free (pglite-db.ts).
   */
  serve?: boolean | undefined;
}

/** Arbitrary constant: the advisory lock that serialises migrations of several replicas. */
const MIGRATION_LOCK = 727_274_001;

type Sql = ReturnType<typeof postgres>;

/**
 * The client drizzle sees: every statement a named prepared statement, cached per connection by
 * its text. Drizzle asks postgres.js for unnamed statements unless a query is given a name, and
 * postgres.js then sends each statement with parameters in two round trips (Parse and Describe,
 * wait, then Bind and Execute), with PostgreSQL parsing and planning it every time. Prepared, a
 * statement after its first use on a connection is one round trip and no parse. Transactions and
 * savepoints hand out the same kind of client. A statement with more than PREPARE_MAX_PARAMS
 * parameters stays unnamed: those are the `IN (…)` lists and multi-row inserts whose text changes
 * with their length, and each length would be one more statement kept on the connection (as it
 * is, a connection keeps a few hundred at most, and postgres.js replaces connections every 30–60
 * minutes). Each execution is still planned for its own parameters (plan_cache_mode, below).
 */
export const PREPARE_MAX_PARAMS = 16;

export function preparingClient(client: Sql): Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe')
        return (query: string, params?: unknown[], options?: object) =>
          target.unsafe(query, params as never, {
            ...options,
            prepare: (params?.length ?? 0) <= PREPARE_MAX_PARAMS,
          });
      if (prop === 'begin' || prop === 'savepoint')
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (tx: Sql) => unknown;
          const wrapped = (tx: Sql) => fn(preparingClient(tx));
          const method = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop]!;
          return method.apply(target, [...args.slice(0, -1), wrapped]);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function openPostgres(url: string, poolSize: number, prepare: boolean): Database {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    // A prepared statement is planned for the parameters of each execution, never with a generic
    // plan: after five executions PostgreSQL may switch to one when it looks no costlier, and for
    // the outbox claim (an anti-join whose best plan depends on how much is pending) the generic
    // plan took 21 s where the custom one takes milliseconds (BENCHMARKS.md, ack figure). Parsing
    // is still saved; planning costs what it did with unnamed statements. Sent only when preparing:
    // a pooler in transaction mode may refuse startup parameters it does not know.
    connection: {
      application_name: 'tierdesk',
      ...(prepare ? { plan_cache_mode: 'force_custom_plan' } : {}),
    },
    // Off, postgres.js names none of its own statements (begin, commit) either.
    prepare,
  });
  const db = drizzlePostgres(prepare ? preparingClient(client) : client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    socket: null,
    via: null,
    async migrate(migrationsFolder) {
      // A session lock on a connection of its own: replicas starting together migrate one at a time.
      const lock = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(db as never, { migrationsFolder });
      } finally {
        await lock.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * DATABASE_URL set → postgres.js to that server; unset → embedded PGlite in `dataDir`, opened by
 * this process or reached through the running bot (pglite-db.ts). Throws DatabaseLockedError when
 * another process holds the folder and cannot share it.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 10, opts.prepare ?? true);
  return openEmbedded(opts.dataDir ?? '.tierdesk/data', {
    serve: opts.serve ?? false,
    template: opts.pgliteTemplate,
  });
}

export { DatabaseLockedError } from './pglite-db.js';

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
