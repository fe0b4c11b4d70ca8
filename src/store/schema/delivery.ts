import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { EscalationState } from '../../domain/escalation/types.js';
import { tickets } from './tickets.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Running and finished escalations; at most one active per ticket. */
export const escalations = pgTable(
  'escalations',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    trigger: text('trigger').notNull(),
    status: text('status').notNull(),
    state: jsonb('state').$type<EscalationState>().notNull(),
    nextCheckAt: ts('next_check_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('escalations_one_active_key').on(t.ticketId).where(sql`${t.status} = 'active'`),
    index('escalations_due_idx').on(t.nextCheckAt).where(sql`${t.nextCheckAt} is not null`),
    // A card shows its ticket's latest escalation, acknowledged or not.
    index('escalations_ticket_idx').on(t.ticketId, t.id),
  ],
);

/**
 * The outbox DMs that carry each escalation's pages (a DM shared by several tickets' pages is here
 * once per escalation), so that acknowledging one can edit every DM that paged for it.
 */
export const pageMessages = pgTable(
  'page_messages',
  {
    escalationId: bigint('escalation_id', { mode: 'number' })
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    /** The DM's outbox idempotency key. */
    outboxKey: text('outbox_key').notNull(),
    platform: text('platform').notNull(),
    /** The DM's ordering key: an edit queued under it waits for the DM to be delivered. */
    orderingKey: text('ordering_key').notNull(),
    /** The DM's recipient on `platform`. */
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.escalationId, t.outboxKey] })],
);

/**
 * Outbound chat messages, written in the same transaction as the change that causes them and
 * delivered after commit. `idempotency_key` makes enqueueing and delivery exactly-once in effect.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    idempotencyKey: text('idempotency_key').notNull(),
    platform: text('platform').notNull(),
    /** Messages with the same ordering key are delivered in id order (e.g. `ticket:42`). */
    orderingKey: text('ordering_key').notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }).references(() => tickets.id, { onDelete: 'set null' }),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** 0 = urgent (pages), 1 = normal; due urgent messages are delivered first. */
    priority: smallint('priority').notNull().default(1),
    /** pending | sent | dead */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    /** A worker holds the message until then (lease); another replica may take it after. */
    lockedUntil: ts('locked_until'),
    /**
     * An attempt may have reached the platform without us recording it (crash or timeout mid-call):
     * the next attempt looks for the message on the platform before posting again.
     */
    inDoubt: boolean('in_doubt').notNull().default(false),
    lastError: text('last_error'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_idempotency_key').on(t.idempotencyKey),
    index('outbox_due_idx').on(t.priority, t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_ordering_idx').on(t.orderingKey, t.id).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Platform events accepted and acknowledged but perhaps not yet handled (the Slack ingress records
 * each one before it answers Slack). A row is claimed by the replica handling it until
 * `claimed_until`; when that passes with the row still unhandled (the replica stopped mid-way),
 * another takes it over. Handled rows keep their key, without the body, so a late retry of the
 * same event is recognised, and are pruned after a day.
 */
export const inbox = pgTable(
  'inbox',
  {
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: ts('received_at').notNull(),
    /** The event as the platform sent it (JSON text); null once handled. */
    body: text('body'),
    retryNum: integer('retry_num'),
    retryReason: text('retry_reason'),
    claimedUntil: ts('claimed_until'),
    /** Times the event was taken over after a claim ran out; it is given up after a few. */
    takeovers: smallint('takeovers').notNull().default(0),
    handledAt: ts('handled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.eventId] }),
    index('inbox_received_idx').on(t.receivedAt),
    index('inbox_unhandled_idx').on(t.claimedUntil).where(sql`${t.handledAt} is null`),
  ],
);
