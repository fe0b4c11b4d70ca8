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
 * Runs a card button for every platform alike. `value` is the chosen priority for `priority`.
 * Refusals (not staff, not visible, illegal transition) come back as errors to show the clicker.
 */
export function runCardAction(
  deps: AppDeps,
  actor: ActorRef,
  action: CardAction,
  ticketId: number,
  value = '',
): Promise<Result<unknown>> {
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
