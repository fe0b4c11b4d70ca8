import type { MessageRecord, StoredEvent, TicketRecord } from '../../ports/store.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, isStaff, loadVisibleTicket, resolveActor } from '../shared/actors.js';

export interface TicketView {
  ticket: TicketRecord;
  /** Internal notes and the timeline only for staff. */
  messages: MessageRecord[];
  events: StoredEvent[];
  viewerIsStaff: boolean;
}

/** A ticket as the actor may see it: staff everything, customers their organization's tickets without internal notes. */
export function showTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number },
): Promise<Result<TicketView>> {
  return inTransaction(deps, async (uow) => {
    const person = await resolveActor(uow, input.actor);
    const ticket = await loadVisibleTicket(uow, person, input.ticketId);
    const staff = isStaff(person);
    const messages = (await uow.messages.list(ticket.id)).filter((m) => staff || m.visibility === 'public');
    const events = staff ? await uow.events.list(ticket.id) : [];
    return { ticket, messages, events, viewerIsStaff: staff };
  });
}
