import { evaluateSla, type SlaEvaluation } from '../domain/sla/evaluate.js';
import type { TicketEvent } from '../domain/ticket.js';
import { isActive } from '../domain/ticket.js';
import type { OutboundMessage } from '../ports/outbound.js';
import type { TicketRecord, UnitOfWork } from '../ports/store.js';
import type { AppDeps } from './deps.js';
import type { RecipientBook } from './escalation-recipients.js';
import { evaluateEscalationStep } from './run-escalation-tick.js';
import { slaConsequences } from './sla-consequences.js';
import { cardMessage, slaEvents } from './ticket-change.js';

/** What one ticket's evaluation writes besides the ticket itself; a batch writes them all at once. */
interface TicketWrites {
  ticketId: number;
  events: TicketEvent[];
  messages: OutboundMessage[];
}

async function consequencesOf(
  uow: UnitOfWork,
  saved: TicketRecord,
  ev: SlaEvaluation,
  now: number,
  books: Map<string, Promise<RecipientBook>>,
): Promise<TicketWrites> {
  const consequences = await slaConsequences(uow, saved, ev.actions, now);
  // A chain started by this breach pages now, in the same transaction as the breach itself; its
  // events and messages are written with the breach's (one insert each, one card refresh).
  const steps = isActive(saved.status)
    ? await Promise.all(consequences.started.map((e) => evaluateEscalationStep(uow, e, saved, now, books)))
    : [];
  const paging = steps.flatMap((s) => s.messages);
  // The page's mention in the queue says the clock breached: the separate breach notice would repeat it.
  const queueHeard = paging.some((m) => m.key.endsWith(':queue'));
  const notices = queueHeard
    ? consequences.messages.filter((m) => !BREACH_NOTICE.test(m.key))
    : consequences.messages;
  const refresh = ev.actions.length > 0 ? cardMessage(saved) : [];
  return {
    ticketId: saved.id,
    events: [...slaEvents(ev.actions), ...consequences.events, ...steps.flatMap((s) => s.events)],
    messages: [...notices, ...paging, ...refresh],
  };
}

/** Outbox keys of the queue notices "… breached" (see sla-consequences). */
const BREACH_NOTICE = /^ticket:\d+:sla:[a-z_]+:breach:/;

/**
 * One batch of the SLA tick: the tickets whose next check is due, locked with SKIP LOCKED so
 * replicas share the work; each is evaluated by the domain (warnings and breaches exactly once),
 * and its events, notices, escalation start and card refresh are written in the same transaction.
 * Returns how many tickets it looked at (0: nothing was due).
 */
export async function runSlaTick(deps: AppDeps, now: number, limit = 50): Promise<number> {
  return deps.store.transaction(async (uow: UnitOfWork) => {
    const due = await uow.tickets.claimSlaDue(now, limit);
    // Tickets are independent: their queries run concurrently, so postgres.js pipelines them on the
    // transaction's connection instead of waiting a round trip after each.
    const books = new Map<string, Promise<RecipientBook>>();
    const evaluations = due.map((t) => evaluateSla(t.policySnapshot, t.sla, now));
    const saved = await uow.tickets.updateSla(
      due.map((t, i) => ({
        ticket: t,
        sla: evaluations[i]!.state,
        slaNextCheckAt: evaluations[i]!.nextCheckAt,
        updatedAt: now,
      })),
    );
    const writes = await Promise.all(
      saved.map((t, i) => consequencesOf(uow, t, evaluations[i]!, now, books)),
    );
    // The batch's events and outbox messages: one statement each (two for the outbox: cards are
    // coalesced with any refresh already waiting), not one per ticket.
    await Promise.all([
      uow.events.appendMany(
        writes.map((w) => ({ ticketId: w.ticketId, events: w.events, actorId: null })),
        now,
      ),
      uow.outbox.enqueueMany(
        writes.map((w) => ({ ticketId: w.ticketId, messages: w.messages })),
        now,
      ),
    ]);
    return due.length;
  });
}
