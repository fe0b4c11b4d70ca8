import type { AppDeps } from '../app/deps.js';
import { type AutoCloseCounts, runAutoClose } from '../app/tickets/auto-close.js';

export const name = 'auto-close';
/** Every minute (node-cron, seconds first): warnings and closes go out within a minute of falling due. */
export const schedule = '0 * * * * *';

/**
 * Closes resolved tickets whose auto-close time has passed and warns their customers beforehand.
 * Stateless and idempotent: any number of replicas may run it, as often as they like.
 */
export async function run(deps: AppDeps, now: number): Promise<AutoCloseCounts> {
  const counts = await runAutoClose(deps, now);
  if (counts.warned > 0 || counts.closed > 0) deps.logger.info({ job: name, ...counts }, 'auto-close');
  return counts;
}
