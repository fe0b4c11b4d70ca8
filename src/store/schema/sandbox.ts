import { bigint, index, jsonb, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The sandbox chat platform's messages (the browser sandbox is a chat workspace tierdesk serves
 * itself). Customers' and agents' messages carry the browser's `client_id`, the bot's the outbox
 * key, so a retried send or delivery never posts twice.
 */
export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** A room name (`northwind-support`, `queue-security`) or `@handle` for a direct message. */
    channel: text('channel').notNull(),
    /** The thread's root message, for replies. */
    threadId: bigint('thread_id', { mode: 'number' }),
    /** A sandbox identity (`ines`, `priya`) or `tierdesk` for the bot. */
    author: text('author').notNull(),
    text: text('text').notNull(),
    /** Ticket card or message extras (buttons), as the sandbox client renders them. */
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    clientId: text('client_id'),
    outboxKey: text('outbox_key'),
    createdAt: ts('created_at').notNull(),
    editedAt: ts('edited_at'),
  },
  (t) => [
    index('sandbox_messages_channel_idx').on(t.channel, t.id),
    uniqueIndex('sandbox_messages_client_key').on(t.clientId),
    uniqueIndex('sandbox_messages_outbox_key').on(t.outboxKey),
  ],
);

/**
 * The sandbox's fast-forward: how far its clock runs ahead of the wall clock. One row; kept in the
 * database so a restart does not send the sandbox back in time behind its own tickets.
 */
export const sandboxClock = pgTable('sandbox_clock', {
  id: smallint('id').primaryKey(),
  offsetMs: bigint('offset_ms', { mode: 'number' }).notNull(),
});
