import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import type { ActorRef } from '../shared/actors.js';

/** The acting agent takes the ticket. Claiming a ticket someone else holds is a conflict (use assign). */
export function claimTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    ...input,
    what: 'claim tickets',
    command: (_uow, actor) => ({ type: 'claim', by: actor.id }),
  });
}
