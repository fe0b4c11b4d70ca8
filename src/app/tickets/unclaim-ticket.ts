import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import type { ActorRef } from '../shared/actors.js';

/** Gives the ticket back to its queue. */
export function unclaimTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    ...input,
    what: 'unclaim tickets',
    command: (_uow, actor) => ({ type: 'unclaim', by: actor.id }),
  });
}
