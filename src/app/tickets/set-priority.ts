import { DomainError } from '../../domain/errors.js';
import { PRIORITIES, type Priority } from '../../domain/policy.js';
import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import type { ActorRef } from '../shared/actors.js';

export function parsePriority(s: string): Priority | null {
  const p = s.trim().toUpperCase();
  return (PRIORITIES as readonly string[]).includes(p) ? (p as Priority) : null;
}

/**
 * Changes the priority. Targets come from the ticket's snapshot and are measured from the original
 * start; a deadline already past is breached at the moment of the change.
 */
export function setPriority(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number; priority: string },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    actor: input.actor,
    ticketId: input.ticketId,
    what: 'change priorities',
    command: () => {
      const priority = parsePriority(input.priority);
      if (!priority)
        throw new DomainError(
          'unknown_priority',
          `"${input.priority}" is not a priority; use one of ${PRIORITIES.join(', ')}.`,
        );
      return { type: 'set_priority', priority };
    },
  });
}
