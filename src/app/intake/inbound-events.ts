import type { Platform } from '../../domain/policy.js';
import type { InboundEvent } from '../../ports/store.js';
import type { AppDeps } from '../deps.js';

/**
 * The inbox of platform events: what the bot acknowledged to a platform is recorded here before it
 * is handled, so a crash between the two loses nothing. A replica claims what it records for
 * CLAIM_MS; what is still unhandled after that is taken over by any replica.
 */
export const CLAIM_MS = 30_000;
/** An event that failed this many take-overs stays in the table, unhandled, for someone to look at. */
export const MAX_TAKEOVERS = 5;
/** Handled events keep their id this long, to recognise a platform's late retries. */
export const KEEP_HANDLED_MS = 24 * 3600_000;

/**
 * Inbox bookkeeping: records `accepted` (claimed by the caller), then marks the events `handled`
 * (recorded in this batch, an earlier one, or not at all). Two statements without a transaction
 * around them: each is idempotent, and a failed write is retried whole.
 */
export async function writeInbox(
  deps: AppDeps,
  platform: Platform,
  accepted: InboundEvent[],
  handled: string[],
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.withoutTransaction(async (uow) => {
    await uow.inbox.acceptMany(accepted, now, now + CLAIM_MS);
    await uow.inbox.handled(platform, handled, now);
  });
}

/** Claims up to `limit` events a stopped replica left unhandled, oldest first. */
export async function takeOverInbound(
  deps: AppDeps,
  platform: Platform,
  limit: number,
): Promise<InboundEvent[]> {
  const now = deps.clock.now();
  return deps.store.transaction((uow) =>
    uow.inbox.takeOverAbandoned(platform, now, now + CLAIM_MS, limit, MAX_TAKEOVERS),
  );
}

/** Deletes the ids of events handled more than KEEP_HANDLED_MS ago, in chunks; returns how many. */
export async function pruneInbound(deps: AppDeps, now: number, chunk = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deps.store.transaction((uow) => uow.inbox.pruneHandled(now - KEEP_HANDLED_MS, chunk));
    total += n;
    if (n < chunk) return total;
  }
}
