import { stopEscalation } from '../../domain/escalation/evaluate.js';
import { isActive } from '../../domain/ticket.js';
import type { EscalationRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';
import { cardMessage } from '../core/ticket-change.js';
import type { AppDeps } from '../deps.js';
import { bookFor, type RecipientBooks } from '../paging/escalation-recipients.js';
import { pageEntries, pageMessageRecords } from '../paging/page-messages.js';
import { decide, type EscalationStep, stepOutputs } from '../paging/start-escalations.js';

/** Evaluates one escalation of an active ticket and saves its new state; returns what it led to. */
async function evaluateEscalationStep(
  uow: UnitOfWork,
  e: EscalationRecord,
  t: TicketRecord,
  now: number,
  books: RecipientBooks,
): Promise<EscalationStep> {
  const book = await bookFor(uow, t.policySnapshot.chain, now, books);
  const d = decide(t, e.state, now, book);
  await uow.escalations.save(e.id, d.state, now);
  return stepOutputs(t, e, d.actions, book);
}

/**
 * Evaluates one escalation: stops it if its ticket is no longer active, otherwise saves its new
 * state and returns the ticket and step (null when nothing happened).
 */
async function stepEscalation(
  uow: UnitOfWork,
  e: EscalationRecord,
  now: number,
  books: RecipientBooks,
): Promise<{ e: EscalationRecord; ticket: TicketRecord; step: EscalationStep } | null> {
  const t = await uow.tickets.get(e.ticketId);
  if (!t || !isActive(t.status)) {
    if (e.state.status === 'active') await uow.escalations.save(e.id, stopEscalation(e.state, now), now);
    return null;
  }
  const step = await evaluateEscalationStep(uow, e, t, now, books);
  return step.events.length > 0 ? { e, ticket: t, step } : null;
}

/**
 * One batch of the escalation tick: due escalations (locked, SKIP LOCKED), evaluated against the
 * chain frozen on their ticket; pages become outbox messages in the same transaction, so a crash
 * never loses or doubles one. The batch's pages to one person share a message (pageEntries).
 * Returns how many escalations it looked at.
 */
export async function runEscalationTick(
  deps: AppDeps,
  now: number,
  limit = 100,
  books: RecipientBooks = new Map(),
): Promise<number> {
  return deps.store.transaction(async (uow) => {
    const due = await uow.escalations.claimDue(now, limit);
    // Independent escalations run concurrently, so their queries pipeline on the connection.
    const stepped = (await Promise.all(due.map((e) => stepEscalation(uow, e, now, books)))).filter(
      (s) => s !== null,
    );
    if (stepped.length === 0) return due.length;
    // The ticket row is only read: use cases lock ticket then escalation, so locking the ticket here
    // (after the escalation) could deadlock, and writing it could undo a concurrent claim. The card is
    // rendered from the ticket as it is at delivery, so a refresh needs no ticket change.
    const pages = pageEntries(
      stepped.flatMap((s) => s.step.pages),
      now,
    );
    await Promise.all([
      uow.events.appendMany(
        stepped.map(({ ticket, step }) => ({ ticketId: ticket.id, events: step.events, actorId: null })),
        now,
      ),
      uow.outbox.enqueueMany(
        [
          ...stepped.map(({ e, ticket, step }) => ({
            ticketId: ticket.id,
            messages: [...step.messages, ...cardMessage(ticket, `esc:${e.id}:${now}`)],
          })),
          ...pages,
        ],
        now,
      ),
      uow.escalations.recordPageMessages(pageMessageRecords(pages)),
    ]);
    return due.length;
  });
}
