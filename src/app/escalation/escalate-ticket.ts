import { DomainError } from '../../domain/errors.js';
import { startEscalation, stopEscalation } from '../../domain/escalation/evaluate.js';
import { isActive } from '../../domain/ticket.js';
import type { TicketRecord, UnitOfWork } from '../../ports/store.js';
import { inTransaction } from '../core/run-ticket-command.js';
import { cardMessage } from '../core/ticket-change.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, loadVisibleTicket, requireStaff } from '../shared/actors.js';

/** Stops the ticket's running escalation, if any (resolving or closing ends paging). */
export async function stopActiveEscalation(uow: UnitOfWork, ticket: TicketRecord, at: number): Promise<void> {
  const running = await uow.escalations.active(ticket.id);
  if (running) await uow.escalations.save(running.id, stopEscalation(running.state, at), at);
}

/**
 * Escalates by hand: starts the ticket's frozen chain at its first paging level, due now. The SLA
 * tick pages; this only records the decision.
 */
export function escalateTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number; reason: string | null },
): Promise<Result<TicketRecord>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const actor = await requireStaff(uow, input.actor, 'escalate tickets');
    const ticket = await loadVisibleTicket(uow, actor, input.ticketId, true);
    if (!isActive(ticket.status))
      throw new DomainError(
        'illegal_transition',
        `Ticket #${ticket.id} is ${ticket.status}: cannot escalate it.`,
      );
    const started = await uow.escalations.start(ticket.id, startEscalation('manual', at), at);
    if (!started) throw new DomainError('conflict', `Ticket #${ticket.id} is already being escalated.`);
    const saved = await uow.tickets.update({ ...ticket, updatedAt: at });
    await uow.events.append(
      ticket.id,
      [{ type: 'escalated', reason: input.reason ?? 'escalated by hand', manual: true }],
      at,
      actor.id,
    );
    await uow.outbox.enqueue(cardMessage(saved), ticket.id, at);
    return saved;
  });
}
