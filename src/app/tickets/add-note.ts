import { DomainError } from '../../domain/errors.js';
import type { TicketRecord } from '../../ports/store.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, loadVisibleTicket, requireStaff } from '../shared/actors.js';

/** An internal note (`/ticket note …`): on the timeline, never shown to the customer. */
export function addNote(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number; text: string },
): Promise<Result<TicketRecord>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const actor = await requireStaff(uow, input.actor, 'add notes');
    if (!input.text.trim()) throw new DomainError('invalid_input', 'A note needs some text.');
    const ticket = await loadVisibleTicket(uow, actor, input.ticketId);
    const m = await uow.messages.insert({
      ticketId: ticket.id,
      platform: input.actor.platform,
      externalId: null,
      authorId: actor.id,
      authorKind: 'agent',
      visibility: 'internal',
      text: input.text.trim(),
      createdAt: at,
    });
    await uow.events.append(
      ticket.id,
      [{ type: 'message_added', messageId: m!.id, authorKind: 'agent', visibility: 'internal' }],
      at,
      actor.id,
    );
    return ticket;
  });
}
