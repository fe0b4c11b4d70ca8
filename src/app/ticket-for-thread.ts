import type { Platform } from '../domain/policy.js';
import type { AppDeps } from './deps.js';
import { inTransaction } from './run-ticket-command.js';

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
  const r = await inTransaction(deps, (uow) => uow.tickets.findByThread(platform, channelId, threadRef));
  return r.ok && r.value ? r.value.ticket.id : null;
}
