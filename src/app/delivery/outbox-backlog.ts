import type { Platform } from '../../domain/policy.js';
import type { AppDeps } from '../deps.js';

/** What waits in the outbox for one platform. */
export interface OutboxBacklog {
  platform: Platform;
  /** Messages not delivered yet (retries included), not given up. */
  pending: number;
  /** Seconds since the oldest of them was queued; 0 when none waits. */
  oldestAgeSeconds: number;
}

/**
 * The outbox's backlog for each platform in `platforms` (0 where nothing waits), read from the
 * database: the same figure in every replica, whichever one asks. One statement, no transaction.
 */
export async function outboxBacklog(deps: AppDeps, platforms: readonly Platform[]): Promise<OutboxBacklog[]> {
  const rows = await deps.store.withoutTransaction((uow) => uow.outbox.backlog());
  const now = deps.clock.now();
  const found = new Map(rows.map((r) => [r.platform, r]));
  const all = [...new Set([...platforms, ...found.keys()])];
  return all.map((platform) => {
    const r = found.get(platform);
    return {
      platform,
      pending: r?.pending ?? 0,
      oldestAgeSeconds: r ? Math.max(0, now - r.oldestQueuedAt) / 1000 : 0,
    };
  });
}
