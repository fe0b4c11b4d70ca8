import type { Env } from '../config/env.js';
import { MIGRATIONS_DIR } from '../config/env.js';
import { openDatabase } from '../store/db.js';
import type { CliIo } from './io.js';

export async function runMigrate(env: Env, io: CliIo): Promise<number> {
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.TIERDESK_DATA_DIR, poolSize: 2 });
  try {
    await database.migrate(MIGRATIONS_DIR);
    io.out(`migrations applied (${database.kind})`);
    return 0;
  } finally {
    await database.close();
  }
}
