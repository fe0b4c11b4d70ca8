import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import type { ActorRef } from '../shared/actors.js';

/** waiting: waiting on the customer (update and resolution clocks pause); open: back to work. */
export function setStatus(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number; status: 'waiting_on_customer' | 'open' },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    actor: input.actor,
    ticketId: input.ticketId,
    what: 'change ticket status',
    command: () => ({ type: input.status === 'open' ? 'set_open' : 'set_waiting' }),
  });
}
