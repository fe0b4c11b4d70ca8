import type { AppDeps } from '../app/deps.js';
import { type QueueDigestResult, runQueueDigest } from '../app/sla/queue-digest.js';

export const name = 'queue-digest';
/**
 * Every minute (node-cron, seconds first): a digest goes out within a minute of its queue's local
 * `digestAt`. Runs after the first of the day cost one indexed outbox lookup and no counting.
 */
export const schedule = '0 * * * * *';

/**
 * Queues each queue's daily digest once its local `digestAt` has passed. Stateless and idempotent:
 * any number of replicas may run it; each digest is queued once per queue channel and local day.
 */
export async function run(deps: AppDeps, now: number): Promise<QueueDigestResult> {
  const result = await runQueueDigest(deps, now);
  if (result.queued > 0) deps.logger.info({ job: name, ...result }, 'queue digest');
  return result;
}
