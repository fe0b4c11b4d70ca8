import type { Platform } from '../../domain/policy.js';
import type { AppDeps } from '../deps.js';

/**
 * The number of the ticket whose customer thread or card thread this is, or null. Only a number:
 * whether the asker may see or change the ticket is decided by the command they run.
 */
export async function ticketForThread(
  deps: AppDeps,
  platform: Platform,
  channelId: string,
  threadRef: string,
): Promise<number | null> {
  const found = await deps.store.withoutTransaction((uow) =>
    uow.tickets.findByThread(platform, channelId, threadRef),
  );
  return found ? found.ticket.id : null;
}
