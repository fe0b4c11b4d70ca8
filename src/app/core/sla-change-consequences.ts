import type { SlaAction } from '../../domain/sla/types.js';
import type { TicketEvent } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { TicketRecord, UnitOfWork } from '../../ports/store.js';
import { pageMessageRecords, pageMessages } from '../paging/page-messages.js';
import { pagesTellQueue, startEscalations } from '../paging/start-escalations.js';
import { slaNotices, withoutBreachNotices } from '../shared/sla-consequences.js';

/**
 * What SLA actions lead to when an input (a priority change, a status change) finds them: the
 * notices of slaNotices, and, when a triggering clock breached, the start of the ticket's chain
 * with its first step taken at once, as the SLA tick does (run-sla-tick): the page goes out with
 * the change, and when its mention in the queue says the clock breached, the separate breach notice
 * is left out. Runs inside the caller's transaction, which holds the ticket's lock.
 */
export async function slaConsequences(
  uow: UnitOfWork,
  t: TicketRecord,
  actions: SlaAction[],
  now: number,
): Promise<{ events: TicketEvent[]; messages: OutboundMessage[] }> {
  const { messages, triggers } = slaNotices(t, actions, now);
  // A ticket has one escalation at a time: only the first breach found can start it.
  const first = triggers[0];
  if (!first) return { events: [], messages };
  const steps = await startEscalations(
    uow,
    [{ ticket: t, trigger: first.clock, reason: first.reason }],
    now,
    new Map(),
  );
  const step = steps.get(t.id);
  if (!step) return { events: [], messages }; // already escalating
  const told = pagesTellQueue(t, step) ? withoutBreachNotices(messages) : messages;
  const pages = pageMessages(step.pages, now);
  // Kept with their escalation, so an acknowledgement edits them (see acknowledge-escalation).
  await uow.escalations.recordPageMessages(pageMessageRecords([{ messages: pages }]));
  return { events: step.events, messages: [...told, ...step.messages, ...pages] };
}
