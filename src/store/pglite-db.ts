/**
 * Opening the embedded database. PGlite is one PostgreSQL backend inside the process that opens it:
 * two processes on one data folder lose or corrupt data. So the process that opens a folder holds
 * its lock (pglite-lock.ts); the bot serves the database on a local socket (pglite-server.ts); and a
 * `tierdesk` command finds either the folder free (it takes the lock and opens it itself), or the
 * bot there (it works through the bot's socket with postgres.js, the same client as on PostgreSQL),
 * or another command there (it refuses, having written nothing).
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database, Db } from './database.js';
import { type FolderLock, type LockHolder, lockFolder } from './pglite-lock.js';
import { type PgliteServer, servePglite } from './pglite-server.js';
import { pgliteTemplateDir, seedDataDir } from './pglite-template.js';
import * as schema from './schema/index.js';

/** How long a command waits for a bot that holds the folder but does not listen yet (it is starting). */
export const BOT_START_WAIT_MS = 60_000;

/** The folder is held by a process this one cannot share it with; the message is for a person. */
export class DatabaseLockedError extends Error {
  constructor(
    message: string,
    readonly holder: LockHolder,
  ) {
    super(message);
    this.name = 'DatabaseLockedError';
  }
}

function lockedMessage(dataDir: string, lockPath: string, h: LockHolder, bot: boolean): string {
  const where = `the embedded database in ${dataDir}`;
  const who = `"${h.command}" (process ${h.pid}${h.host === hostname() ? '' : ` on ${h.host}`})`;
  if (h.host !== hostname())
    return `${where} is locked by ${who}, which cannot be checked from this machine; if tierdesk no longer runs there, delete ${lockPath}`;
  if (bot && h.serves)
    return `${where} is already used by a running bot, ${who}; stop it first, or give this one its own TIERDESK_DATA_DIR`;
  if (bot) return `${where} is in use by ${who}; start the bot again when it has finished`;
  return `${where} is in use by ${who}; nothing was done: run this again when it has finished`;
}

export interface EmbeddedOptions {
  /** The bot: serve the database to commands; refuse if anyone holds the folder. */
  serve: boolean;
  /** Initialised cluster to seed an empty folder from (pglite-template.ts); null: none. */
  template: string | null | undefined;
}

async function openOwn(dataDir: string, lock: FolderLock | null, serve: boolean): Promise<Database> {
  // Loaded only for the embedded database: a server deployment never pays for PGlite's runtime.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  let client: PGlite | null = null;
  let server: PgliteServer | null = null;
  try {
    client = await PGlite.create(dataDir);
    if (serve && lock) {
      server = await servePglite(client, dataDir);
      lock.announce(server.path);
    }
  } catch (err) {
    await client?.close();
    lock?.release();
    throw err;
  }
  const pglite = client;
  const served = server;
  return {
    db: drizzlePglite(pglite, { schema }) as unknown as Db,
    kind: 'pglite',
    socket: served?.path ?? null,
    via: null,
    migrate: (migrationsFolder) => migratePglite(drizzlePglite(pglite), { migrationsFolder }),
    async close() {
      try {
        await served?.stop();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** The bot's database through its socket; null if nobody answers there (it stopped, or is not listening yet). */
async function openThroughBot(holder: LockHolder, socket: string): Promise<Database | null> {
  // One connection: like PGlite itself, one session (the bot serves them one at a time anyway).
  // Unnamed statements: every connection shares the bot's one backend, where named ones would collide.
  const client = postgres({
    path: socket,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    prepare: false,
    onnotice: () => {},
    connect_timeout: 10,
  });
  try {
    await client`select 1`;
  } catch (err) {
    await client.end({ timeout: 1 });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'CONNECTION_CLOSED') return null;
    throw err;
  }
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    socket: null,
    via: { pid: holder.pid },
    // The bot migrated at its start; this applies only migrations newer than its own, in one
    // transaction that the bot's work waits for.
    migrate: (migrationsFolder) => migratePostgres(db as never, { migrationsFolder }),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * Opens the PGlite folder `dataDir` for this process: itself if the folder is free, through the
 * running bot if the bot holds it (a command; the bot itself refuses), or throws
 * DatabaseLockedError.
 */
export async function openEmbedded(dataDir: string, opts: EmbeddedOptions): Promise<Database> {
  if (dataDir.startsWith('memory://')) return openOwn(dataDir, null, false);
  seedDataDir(dataDir, opts.template === undefined ? pgliteTemplateDir() : opts.template);
  mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + BOT_START_WAIT_MS;
  for (;;) {
    const r = await lockFolder(dataDir, opts.serve);
    if (r.held) return openOwn(dataDir, r.lock, opts.serve);
    const { holder } = r;
    const refuse = (msg: string) => new DatabaseLockedError(msg, holder);
    if (opts.serve || !holder.serves || holder.host !== hostname())
      throw refuse(lockedMessage(dataDir, r.path, holder, opts.serve));
    if (holder.socket) {
      const through = await openThroughBot(holder, holder.socket);
      if (through) return through;
    }
    if (Date.now() > deadline)
      throw refuse(
        `the embedded database in ${dataDir} is held by the bot "${holder.command}" (process ${holder.pid}), which has not begun to serve it in ${BOT_START_WAIT_MS / 1000} s; nothing was done`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
