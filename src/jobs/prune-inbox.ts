import type { AppDeps } from '../app/deps.js';
import { pruneInbound } from '../app/intake/inbound-events.js';

export const name = 'prune-inbox';
/** Hourly, at minute 17 (away from the top of the hour, when digests run). */
export const schedule = '0 17 * * * *';

/** Forgets the ids of platform events handled more than a day ago. Idempotent; any replica may run it. */
export async function run(deps: AppDeps, now: number): Promise<number> {
  const pruned = await pruneInbound(deps, now);
  if (pruned > 0) deps.logger.info({ job: name, pruned }, 'inbox pruned');
  return pruned;
}
