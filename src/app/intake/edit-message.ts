import type { Platform } from '../../domain/policy.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { subjectOf } from '../shared/wording.js';

/** A platform edit or deletion of a message we recorded; edits of the opening message update the ticket text. */
export function editMessage(
  deps: AppDeps,
  input: { platform: Platform; messageId: string; text: string | null },
): Promise<Result<{ status: 'edited' | 'deleted' | 'unknown' }>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const m = await uow.messages.findByExternal(input.platform, input.messageId);
    if (!m) return { status: 'unknown' as const };
    const ticket = (await uow.tickets.get(m.ticketId, { forUpdate: true }))!;
    if (input.text === null) {
      await uow.messages.markDeleted(m.id, at);
      await uow.events.append(ticket.id, [{ type: 'message_deleted', messageId: m.id }], at, m.authorId);
      return { status: 'deleted' as const };
    }
    await uow.messages.edit(m.id, input.text, at);
    if (ticket.origin.messageId === input.messageId)
      await uow.tickets.update({
        ...ticket,
        description: input.text,
        subject: subjectOf(input.text),
        updatedAt: at,
      });
    await uow.events.append(ticket.id, [{ type: 'message_edited', messageId: m.id }], at, m.authorId);
    return { status: 'edited' as const };
  });
}
