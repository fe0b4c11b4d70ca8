import type { OutboundMessage } from '../../ports/outbound.js';
import type { TicketRecord } from '../../ports/store.js';

/** A reply in the customer's thread of a ticket; `purpose` makes the idempotency key unique per intent. */
export function threadReply(t: TicketRecord, purpose: string, text: string): OutboundMessage {
  return {
    key: `ticket:${t.id}:reply:${purpose}`,
    platform: t.origin.platform,
    orderingKey: `ticket:${t.id}`,
    body: {
      kind: 'thread_reply',
      channelId: t.origin.channelId,
      threadRef: t.origin.threadRef ?? t.origin.messageId,
      text,
      ticketId: t.id,
    },
  };
}
