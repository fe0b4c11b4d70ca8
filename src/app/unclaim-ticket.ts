import type { TicketRecord } from '../ports/store.js';
import type { ActorRef } from './actors.js';
import type { AppDeps, Result } from './deps.js';
import { runStaffCommand } from './run-ticket-command.js';

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
