import type { TicketRecord } from '../../ports/store.js';
import type { AppDeps, Result } from '../deps.js';
import { acknowledgeEscalation } from '../escalation/acknowledge-escalation.js';
import { escalateTicket } from '../escalation/escalate-ticket.js';
import type { ActorRef } from '../shared/actors.js';
import { claimTicket } from '../tickets/claim-ticket.js';
import { resolveTicket } from '../tickets/resolve-ticket.js';
import { setPriority } from '../tickets/set-priority.js';

/** What the buttons and the priority menu on a ticket card (and Acknowledge on a page) do. */
export const CARD_ACTIONS = ['claim', 'escalate', 'resolve', 'acknowledge', 'priority'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/**
 * What the person who clicked is told once it worked: the card changes for everyone, but only a
 * sentence to the clicker says that it was their click that did it (and who holds the ticket now).
 */
const DONE: Record<CardAction, (t: TicketRecord) => string> = {
  claim: (t) => `Ticket #${t.id} is yours.`,
  escalate: (t) => `Ticket #${t.id} is escalated; the chain pages now.`,
  resolve: (t) => `Ticket #${t.id} is resolved; the customer has been told.`,
  acknowledge: (t) => `Ticket #${t.id} is acknowledged; paging stopped.`,
  priority: (t) => `Ticket #${t.id} is now ${t.priority}.`,
};

function run(
  deps: AppDeps,
  actor: ActorRef,
  action: CardAction,
  ticketId: number,
  value: string,
): Promise<Result<TicketRecord>> {
  switch (action) {
    case 'claim':
      return claimTicket(deps, { actor, ticketId });
    case 'escalate':
      return escalateTicket(deps, { actor, ticketId, reason: 'escalated from the card' });
    case 'resolve':
      return resolveTicket(deps, { actor, ticketId, note: null });
    case 'acknowledge':
      return acknowledgeEscalation(deps, { actor, ticketId });
    case 'priority':
      return setPriority(deps, { actor, ticketId, priority: value });
  }
}

/**
 * Runs a card button for every platform alike. `value` is the chosen priority for `priority`.
 * The value is the confirmation to show the clicker; refusals (not staff, not visible, illegal
 * transition) come back as errors to show them instead.
 */
export async function runCardAction(
  deps: AppDeps,
  actor: ActorRef,
  action: CardAction,
  ticketId: number,
  value = '',
): Promise<Result<string>> {
  const r = await run(deps, actor, action, ticketId, value);
  return r.ok ? { ok: true, value: DONE[action](r.value) } : r;
}
