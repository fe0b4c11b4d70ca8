import { DomainError } from '../../domain/errors.js';
import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, isStaff } from '../shared/actors.js';

/** Assigns the ticket to another staff member, named by their platform identity. */
export function assignTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number; assignee: ActorRef },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    actor: input.actor,
    ticketId: input.ticketId,
    what: 'assign tickets',
    command: async (uow) => {
      const to = await uow.directory.personByIdentity(input.assignee.platform, input.assignee.externalId);
      if (!isStaff(to))
        throw new DomainError(
          'invalid_input',
          'Tickets can only be assigned to support staff registered in tierdesk.',
          {
            assignee: input.assignee.externalId,
          },
        );
      return { type: 'assign', to: to.id };
    },
  });
}
