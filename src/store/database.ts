import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; repositories accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** PGlite, the bot: the Unix socket it serves the database on to `tierdesk` commands. */
  socket: string | null;
  /** PGlite, a command: the running bot whose database it reached through that socket. */
  via: { pid: number } | null;
  /** Applies the committed migrations (serialised across replicas on PostgreSQL). */
  migrate(migrationsFolder: string): Promise<void>;
  close(): Promise<void>;
}
