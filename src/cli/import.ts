import { importDirectory } from '../app/directory/import-directory.js';
import type { Env } from '../config/env.js';
import { MIGRATIONS_DIR } from '../config/env.js';
import { loadImport } from '../config/import-file.js';
import { formatProblem, loadPolicy } from '../config/policy.js';
import { systemClock } from '../ports/clock.js';
import { silentLogger } from '../ports/logger.js';
import { noopMetrics } from '../ports/metrics.js';
import { DrizzleStore } from '../store/store.js';
import type { CliIo } from './io.js';
import { openForCommand } from './open-database.js';

/** `tierdesk import FILE`: validates everything first, then writes it in one transaction. */
export async function runImport(env: Env, file: string, io: CliIo): Promise<number> {
  const policy = loadPolicy(env.TIERDESK_POLICY);
  if (!policy.ok) {
    for (const p of policy.problems) io.err(formatProblem(p));
    return 1;
  }
  const data = loadImport(file, policy.policy);
  if (!data.ok) {
    for (const p of data.problems) io.err(formatProblem(p));
    io.err(`${file}: ${data.problems.length} problem(s); nothing was imported`);
    return 1;
  }
  const database = await openForCommand(env, io);
  if (!database) return 1;
  try {
    await database.migrate(MIGRATIONS_DIR);
    const deps = {
      store: new DrizzleStore(database.db),
      clock: systemClock,
      policy: policy.policy,
      logger: silentLogger,
      metrics: noopMetrics,
    };
    const r = await importDirectory(deps, data.value);
    if (!r.ok) {
      io.err(`${file}: ${r.error.message}; nothing was imported`);
      return 1;
    }
    const s = r.value;
    io.out(
      `${file}: imported ${s.organizations} organizations, ${s.channels} channel links, ${s.people} people, ${s.identities} identities, ${s.skills} skills, ${s.rotations} rotations`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
