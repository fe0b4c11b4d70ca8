import type { TicketRecord } from '../../ports/store.js';
import { runStaffCommand } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import type { ActorRef } from '../shared/actors.js';
import { threadReply } from '../shared/outbound.js';
import { reopenedReply } from '../shared/wording.js';

/** Reopens a resolved ticket; its resolution clock resumes (the resolved time counts as paused). */
export function reopenTicket(
  deps: AppDeps,
  input: { actor: ActorRef; ticketId: number },
): Promise<Result<TicketRecord>> {
  return runStaffCommand(deps, {
    ...input,
    what: 'reopen tickets',
    command: () => ({ type: 'reopen', by: 'agent' }),
    patch: (t) => ({ reopenCount: t.reopenCount + 1, autoCloseAt: null }),
    messages: (t) => [threadReply(t, `reopened:${t.reopenCount}`, reopenedReply(t))],
  });
}
