import { DomainError } from '../../domain/errors.js';
import { acknowledge } from '../../domain/escalation/evaluate.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { PageMessageRecord, TicketRecord } from '../../ports/store.js';
import { inTransaction } from '../core/run-ticket-command.js';
import { cardMessage } from '../core/ticket-change.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, loadVisibleTicket, requireStaff } from '../shared/actors.js';
import { queueNotice } from '../shared/sla-consequences.js';

/**
 * The edit of a page DM once its page is acknowledged: behind the DM (its ordering key), so it
 * never overtakes it, and urgent like it, so it does not wait behind card edits.
 */
function pageUpdate(dm: PageMessageRecord, ticketId: number): OutboundMessage {
  return {
    key: `${dm.key}:ack:${dm.escalationId}`,
    platform: dm.platform,
    orderingKey: dm.orderingKey,
    priority: 'urgent',
    body: { kind: 'page_update', pageKey: dm.key, userId: dm.userId, ticketId },
  };
}

/**
 * The paged engineer (or any staff) acknowledges: the chain stops paging, the queue is told, the
 * card says who acknowledged and when, and every DM that paged for it shows that in place of its
 * Acknowledge button.
 */
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
    // Read after the save, which waits for a tick paging this escalation right now: its DM is seen.
    const dms = await uow.escalations.pageMessages(running.id);
    await uow.outbox.enqueue(
      [
        ...queueNotice(
          saved,
          `esc:${running.id}:ack`,
          `✅ ${actor.displayName} acknowledged the page for #${ticket.id}.`,
        ),
        ...cardMessage(saved),
        ...dms.map((dm) => pageUpdate(dm, ticket.id)),
      ],
      ticket.id,
      at,
    );
    return saved;
  });
}
