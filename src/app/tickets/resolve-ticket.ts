import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { stopActiveEscalation } from '../escalation/escalate-ticket.js';
import type { ActorRef } from '../shared/actors.js';
import { threadReply } from '../shared/outbound.js';
import { resolvedReply } from '../shared/wording.js';

const DAY_MS = 86_400_000;

/** Resolves the ticket, tells the customer, and schedules the auto-close from the lifecycle policy. */
export function resolveTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number; note: string | null },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    actor: input.actor,
    ticketId: input.ticketId,
    what: 'resolve tickets',
    command: () => ({ type: 'resolve', note: input.note }),
    patch: (_t, at) => ({ autoCloseAt: at + deps.policy.lifecycle.autoCloseDays * DAY_MS }),
    after: stopActiveEscalation,
    messages: (t) => [threadReply(t, `resolved:v${t.version}`, resolvedReply(t, input.note))],
  });
}
