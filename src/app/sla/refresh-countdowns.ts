import type { TicketRecord } from '../../ports/store.js';
import { cardMessage } from '../core/ticket-change.js';
import type { AppDeps } from '../deps.js';

export interface RefreshOptions {
  /** A card is refreshed at most this often (ms); its countdown reads in minutes. */
  staleMs: number;
  /** Cards looked at per run. */
  limit: number;
  /** Edits per channel per run: with a run every 30 s, 10 keeps a channel at 20 edits a minute. */
  perChannel: number;
}

export const DEFAULT_REFRESH: RefreshOptions = { staleMs: 60_000, limit: 500, perChannel: 10 };

/**
 * Keeps the countdowns on open tickets' cards moving ("first response in 12 min", "resolution
 * breached 8 min ago"): queues an edit of the stalest cards, at most `perChannel` per channel per
 * run so a busy queue channel stays under the platform's edit limits. Returns the cards queued.
 */
export async function refreshCountdowns(
  deps: AppDeps,
  now: number,
  opts: RefreshOptions = DEFAULT_REFRESH,
): Promise<number> {
  return deps.store.transaction(async (uow) => {
    const stale = await uow.maintenance.staleCards(now - opts.staleMs, opts.limit);
    const perChannel = new Map<string, number>();
    const chosen: TicketRecord[] = [];
    for (const t of stale) {
      const channel = `${t.card!.platform}:${t.card!.channelId}`;
      const n = perChannel.get(channel) ?? 0;
      if (n >= opts.perChannel) continue;
      perChannel.set(channel, n + 1);
      chosen.push(t);
    }
    for (const t of chosen) await uow.outbox.enqueue(cardMessage(t, `tick:${now}`), t.id, now);
    await uow.maintenance.markCardsRefreshed(
      chosen.map((t) => t.id),
      now,
    );
    return chosen.length;
  });
}
