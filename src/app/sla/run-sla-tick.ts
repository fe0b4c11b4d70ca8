import { evaluateSla } from '../../domain/sla/evaluate.js';
import type { UnitOfWork } from '../../ports/store.js';
import { cardMessage, slaEvents } from '../core/ticket-change.js';
import type { AppDeps } from '../deps.js';
import type { RecipientBooks } from '../paging/escalation-recipients.js';
import { pageEntries, pageMessageRecords } from '../paging/page-messages.js';
import { pagesTellQueue, startEscalations } from '../paging/start-escalations.js';
import { shareQueueNotices, slaNotices, withoutBreachNotices } from '../shared/sla-consequences.js';

/**
 * One batch of the SLA tick: the tickets whose next check is due, locked with SKIP LOCKED so
 * replicas share the work; each is evaluated by the domain (warnings and breaches exactly once),
 * and its events, notices, escalation start and card refresh are written in the same transaction.
 * A breach that starts a chain pages now: the chain's first step is evaluated before its insert.
 * However many tickets the batch holds, it writes with a fixed number of statements: the tickets
 * and their clocks, the escalations started, the events, the outbox. `books` carries the
 * escalation recipients from batch to batch of one tick. Returns how many tickets it looked at
 * (0: nothing was due).
 */
export async function runSlaTick(
  deps: AppDeps,
  now: number,
  limit = 50,
  books: RecipientBooks = new Map(),
): Promise<number> {
  return deps.store.transaction(async (uow: UnitOfWork) => {
    const due = await uow.tickets.claimSlaDue(now, limit);
    if (due.length === 0) return 0;
    const evaluations = due.map((t) => evaluateSla(t.policySnapshot, t.sla, now));
    const saved = await uow.tickets.updateSla(
      due.map((t, i) => ({
        ticket: t,
        sla: evaluations[i]!.state,
        slaNextCheckAt: evaluations[i]!.nextCheckAt,
        updatedAt: now,
      })),
    );
    const notices = saved.map((t, i) => slaNotices(t, evaluations[i]!.actions, now));
    const steps = await startEscalations(
      uow,
      saved.flatMap((t, i) => {
        const first = notices[i]!.triggers[0];
        return first ? [{ ticket: t, trigger: first.clock, reason: first.reason }] : [];
      }),
      now,
      books,
    );
    const writes = saved.map((t, i) => {
      const actions = evaluations[i]!.actions;
      const step = steps.get(t.id);
      const told = pagesTellQueue(t, step)
        ? withoutBreachNotices(notices[i]!.messages)
        : notices[i]!.messages;
      return {
        ticketId: t.id,
        events: [...slaEvents(actions), ...(step?.events ?? [])],
        messages: [...told, ...(step?.messages ?? []), ...(actions.length > 0 ? cardMessage(t) : [])],
      };
    });
    // A flood's notices to one queue share a message, its pages to one person share a DM, and its
    // page mentions in one queue share a message.
    const { entries, shared } = shareQueueNotices(writes);
    const pages = pageEntries(
      [...steps.values()].flatMap((s) => s.pages),
      now,
    );
    // The batch's events and outbox messages: one statement each (two for the outbox: cards are
    // coalesced with any refresh already waiting), not one per ticket.
    await Promise.all([
      uow.events.appendMany(
        writes.map((w) => ({ ticketId: w.ticketId, events: w.events, actorId: null })),
        now,
      ),
      uow.outbox.enqueueMany(
        [
          ...entries.map((w) => ({ ticketId: w.ticketId, messages: w.messages })),
          { ticketId: null, messages: shared },
          ...pages,
        ],
        now,
      ),
      uow.escalations.recordPageMessages(pageMessageRecords(pages)),
    ]);
    return due.length;
  });
}
