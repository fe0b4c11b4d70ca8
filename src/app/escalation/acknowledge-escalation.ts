import { DomainError } from '../../domain/errors.js';
import { acknowledge } from '../../domain/escalation/evaluate.js';
import type { TicketRecord } from '../../ports/store.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, loadVisibleTicket, requireStaff } from '../shared/actors.js';
import { inTransaction } from '../shared/run-ticket-command.js';
import { queueNotice } from '../shared/sla-consequences.js';
import { cardMessage } from '../shared/ticket-change.js';

/** The paged engineer (or any staff) acknowledges: the chain stops paging and the queue is told. */
export function acknowledgeEscalation(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number },
): Promise<Result<TicketRecord>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const actor = await requireStaff(uow, input.actor, 'acknowledge pages');
    const ticket = await loadVisibleTicket(uow, actor, input.ticketId, true);
    const running = await uow.escalations.active(ticket.id);
    if (!running) throw new DomainError('not_found', `No escalation is running for ticket #${ticket.id}.`);
    await uow.escalations.save(running.id, acknowledge(running.state, actor.handle, at), at);
    const saved = await uow.tickets.update({
      ...ticket,
      acknowledgedAt: ticket.acknowledgedAt ?? at,
      updatedAt: at,
    });
    await uow.events.append(ticket.id, [{ type: 'acknowledged', by: actor.handle }], at, actor.id);
    await uow.outbox.enqueue(
      [
        ...queueNotice(
          saved,
          `esc:${running.id}:ack`,
          `✅ ${actor.displayName} acknowledged the page for #${ticket.id}.`,
        ),
        ...cardMessage(saved),
      ],
      ticket.id,
      at,
    );
    return saved;
  });
}
