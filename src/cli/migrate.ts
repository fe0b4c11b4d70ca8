import type { Env } from '../config/env.js';
import { MIGRATIONS_DIR } from '../config/env.js';
import { pgliteTemplateDir, preparePgliteTemplate } from '../store/pglite-template.js';
import type { CliIo } from './io.js';
import { openForCommand } from './open-database.js';

export async function runMigrate(env: Env, io: CliIo): Promise<number> {
  const database = await openForCommand(env, io);
  if (!database) return 1;
  try {
    await database.migrate(MIGRATIONS_DIR);
    const via = database.via ? `, through the running bot, process ${database.via.pid}` : '';
    io.out(`migrations applied (${database.kind}${via})`);
    return 0;
  } finally {
    await database.close();
  }
}

/** `tierdesk prepare`: the initialised cluster a first start on PGlite copies (pglite-template.ts). */
export async function runPrepare(io: CliIo): Promise<number> {
  const dir = pgliteTemplateDir();
  try {
    const made = await preparePgliteTemplate(dir);
    io.out(`embedded database template ${made === 'created' ? 'initialised' : 'already there'}: ${dir}`);
    return 0;
  } catch (e) {
    io.err(`tierdesk prepare: could not initialise ${dir}: ${(e as Error).message}`);
    io.err('the first start will initialise the embedded database itself (a few seconds longer)');
    return 1;
  }
}
