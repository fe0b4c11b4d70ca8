import type { Env } from '../config/env.js';
import { type Database, DatabaseLockedError, openDatabase } from '../store/db.js';
import type { CliIo } from './io.js';

/**
 * The database for a command: PostgreSQL, the embedded folder (itself, or through the running bot);
 * null, with the reason printed, when another command holds the embedded folder.
 */
export async function openForCommand(env: Env, io: CliIo): Promise<Database | null> {
  try {
    return await openDatabase({ url: env.DATABASE_URL, dataDir: env.TIERDESK_DATA_DIR, poolSize: 2 });
  } catch (err) {
    if (!(err instanceof DatabaseLockedError)) throw err;
    io.err(`tierdesk: ${err.message}`);
    return null;
  }
}
