import type { TicketRecord } from './records.js';

/** The middle part of {@link autoCloseWarningKey}, for the store's SQL. */
export const AUTO_CLOSE_WARNING = 'autoclose-warning';

/**
 * The outbox idempotency key of the auto-close warning for one resolution. `autoCloseAt` (epoch ms)
 * is part of it, so a ticket resolved again after a reopen is warned again, once. The store reads
 * this key to skip tickets already warned; both sides use this one definition.
 */
export function autoCloseWarningKey(ticketId: number, autoCloseAt: number): string {
  return `ticket:${ticketId}:${AUTO_CLOSE_WARNING}:${autoCloseAt}`;
}

/** One queue's numbers for its daily digest, over its active tickets (new, open, waiting on the customer). */
export interface QueueDigestCounts {
  queue: string;
  /** Active tickets. */
  open: number;
  /** Active tickets with an unmet, unpaused, unbreached, unstopped clock due by `now + atRiskMs`. */
  atRisk: number;
  /** Active tickets with a clock breached and not met. */
  breached: number;
  /** Active tickets nobody has claimed. */
  unclaimed: number;
  /** Ticket numbers of the oldest unclaimed active tickets, oldest first, at most `oldestLimit`. */
  oldestUnclaimed: number[];
}

/** Queries and writes of the housekeeping jobs (auto-close, daily queue digest). */
export interface MaintenanceRepository {
  /**
   * Resolved tickets with an auto-close time, locked, oldest `auto_close_at` first, skipping rows
   * other workers hold: those due to close (`auto_close_at <= now`) and those inside the warning
   * window (`auto_close_at <= warnUntil`) whose {@link autoCloseWarningKey} is not in the outbox yet.
   * Instants are epoch ms. Work done on a row (closing clears `auto_close_at`; warning queues the
   * key) takes it out of the result, so callers loop until a batch comes back short.
   */
  claimAutoCloseDue(now: number, warnUntil: number, limit: number): Promise<TicketRecord[]>;
  /** Which of these outbox idempotency keys are already queued (whatever their delivery state). */
  queuedKeys(keys: string[]): Promise<Set<string>>;
  /**
   * Digest numbers of the named queues in one grouped query; a queue without active tickets gets
   * zeros. `now` and `atRiskMs` are epoch ms and wall-clock ms.
   */
  queueDigestCounts(
    queues: string[],
    q: { now: number; atRiskMs: number; oldestLimit: number },
  ): Promise<QueueDigestCounts[]>;
  /**
   * Active tickets with a posted card whose countdown was last refreshed at or before `staleBefore`
   * (never refreshed first), locked with SKIP LOCKED so replicas take different ones.
   */
  staleCards(staleBefore: number, limit: number): Promise<TicketRecord[]>;
  markCardsRefreshed(ids: number[], at: number): Promise<void>;
}
