import type { OutboundMessage } from '../../ports/outbound.js';
import type { TicketOrigin, TicketRecord } from '../../ports/store.js';

/**
 * The origin id of a ticket opened by a command (`/ticket new`), from the platform's id of the
 * invocation: no customer message exists, and the id makes a retried submission open it once.
 */
export const commandOriginId = (invocationId: string): string => `command:${invocationId}`;

const isCommandOrigin = (o: TicketOrigin): boolean => o.messageId.startsWith('command:');

/**
 * Where replies to the customer go: the ticket's thread. A ticket opened by a command has none until
 * its root message is posted (null: delivery reads it from the ticket then).
 */
export function threadOf(o: TicketOrigin): string | null {
  return o.threadRef ?? (isCommandOrigin(o) ? null : o.messageId);
}

/** A reply in the customer's thread of a ticket; `purpose` makes the idempotency key unique per intent. */
export function threadReply(t: TicketRecord, purpose: string, text: string): OutboundMessage {
  return {
    key: `ticket:${t.id}:reply:${purpose}`,
    platform: t.origin.platform,
    orderingKey: `ticket:${t.id}`,
    body: {
      kind: 'thread_reply',
      channelId: t.origin.channelId,
      threadRef: threadOf(t.origin),
      text,
      ticketId: t.id,
    },
  };
}

/**
 * The root message of a ticket opened by a command: a top-level post in the customer channel that
 * the ticket's thread hangs from. Goes out before the ticket's other messages (same ordering key).
 */
export function ticketRoot(t: TicketRecord, text: string): OutboundMessage {
  return {
    key: `ticket:${t.id}:root`,
    platform: t.origin.platform,
    orderingKey: `ticket:${t.id}`,
    body: {
      kind: 'ticket_root',
      channelId: t.origin.channelId,
      ticketId: t.id,
      title: `Ticket #${t.id} — ${t.subject}`,
      text,
    },
  };
}
