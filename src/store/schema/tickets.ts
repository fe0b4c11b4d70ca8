import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { PolicySnapshot } from '../../domain/policy.js';
import type { SlaState } from '../../domain/sla/types.js';
import { organizations } from './organizations.js';
import { people } from './people.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A customer request. `id` is the ticket number people see (#42). */
export const tickets = pgTable(
  'tickets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id),
    requesterId: integer('requester_id').references(() => people.id, { onDelete: 'set null' }),
    assigneeId: integer('assignee_id').references(() => people.id, { onDelete: 'set null' }),
    tier: text('tier').notNull(),
    priority: text('priority').notNull(),
    domain: text('domain').notNull(),
    status: text('status').notNull(),
    queue: text('queue').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    originPlatform: text('origin_platform').notNull(),
    originChannelId: text('origin_channel_id').notNull(),
    /** The platform's id of the message that opened the ticket (dedupe key with the platform). */
    originMessageId: text('origin_message_id').notNull(),
    /** Where replies to the customer go: Slack thread ts, Discord thread id. */
    originThreadRef: text('origin_thread_ref'),
    cardPlatform: text('card_platform'),
    cardChannelId: text('card_channel_id'),
    /** Slack message ts / Discord message id of the card, once posted. */
    cardMessageRef: text('card_message_ref'),
    /** Last countdown refresh of the card (the refresh job takes the stalest first). */
    cardRefreshedAt: ts('card_refreshed_at'),
    triageReasons: jsonb('triage_reasons').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    routeReasons: jsonb('route_reasons').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    candidates: jsonb('candidates').$type<Array<{ handle: string; score: number; reasons: string[] }>>(),
    policySnapshot: jsonb('policy_snapshot').$type<PolicySnapshot>().notNull(),
    sla: jsonb('sla').$type<SlaState>().notNull(),
    /** When the SLA tick must look at this ticket next; null = nothing pending. */
    slaNextCheckAt: ts('sla_next_check_at'),
    acknowledgedAt: ts('acknowledged_at'),
    firstResponseAt: ts('first_response_at'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    /** When a resolved ticket closes by itself. */
    autoCloseAt: ts('auto_close_at'),
    publicReplyCount: integer('public_reply_count').notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** Bumped on every change; part of card idempotency keys. */
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tickets_origin_key').on(t.originPlatform, t.originMessageId),
    index('tickets_org_status_idx').on(t.organizationId, t.status),
    index('tickets_queue_status_idx').on(t.queue, t.status),
    index('tickets_assignee_idx').on(t.assigneeId).where(sql`${t.assigneeId} is not null`),
    index('tickets_thread_idx').on(t.originPlatform, t.originThreadRef),
    index('tickets_card_idx').on(t.cardPlatform, t.cardMessageRef),
    index('tickets_sla_due_idx').on(t.slaNextCheckAt).where(sql`${t.slaNextCheckAt} is not null`),
    index('tickets_card_refresh_idx')
      .on(t.cardRefreshedAt)
      .where(sql`${t.cardMessageRef} is not null and ${t.status} in ('new', 'open', 'waiting_on_customer')`),
    index('tickets_auto_close_idx').on(t.autoCloseAt).where(sql`${t.autoCloseAt} is not null`),
  ],
);

/** Append-only timeline: every state change of a ticket, typed. Reports are computed from it. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    at: ts('at').notNull(),
    actorId: integer('actor_id').references(() => people.id, { onDelete: 'set null' }),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    index('ticket_events_ticket_idx').on(t.ticketId, t.id),
    index('ticket_events_type_at_idx').on(t.type, t.at),
  ],
);

/** Messages of a ticket: the customer's, public agent replies, internal notes. */
export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    externalId: text('external_id'),
    authorId: integer('author_id').references(() => people.id, { onDelete: 'set null' }),
    /** customer | agent | bot */
    authorKind: text('author_kind').notNull(),
    /** public (customer thread) | internal (note) */
    visibility: text('visibility').notNull(),
    text: text('text').notNull(),
    createdAt: ts('created_at').notNull(),
    editedAt: ts('edited_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    uniqueIndex('ticket_messages_external_key')
      .on(t.platform, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index('ticket_messages_ticket_idx').on(t.ticketId, t.id),
  ],
);

/** An epoch-ms field of a clock in `tickets.sla` as a timestamp (exact to the ms; null stays null). */
const clockInstant = (field: string) =>
  sql.raw(`'epoch'::timestamptz + (c.value->>'${field}')::bigint * interval '1 millisecond'`);

/**
 * One row per SLA clock of each ticket, for reports and dashboards: a view of `tickets.sla`, the
 * source of truth, so it is never out of step with it and costs nothing to write. (It was a table
 * kept equal to `tickets.sla` by a second statement on every ticket change, two rows and six index
 * entries per new ticket.)
 */
export const slaClocks = pgView('sla_clocks', {
  ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
  kind: text('kind').notNull(),
  startedAt: ts('started_at').notNull(),
  targetMs: bigint('target_ms', { mode: 'number' }).notNull(),
  dueAt: ts('due_at'),
  metAt: ts('met_at'),
  breachedAt: ts('breached_at'),
  stoppedAt: ts('stopped_at'),
  paused: text('paused').notNull(),
}).as(
  sql`select t.id as ticket_id, c.key as kind,
    ${clockInstant('startedAt')} as started_at,
    (c.value->>'targetMs')::bigint as target_ms,
    ${clockInstant('dueAt')} as due_at,
    ${clockInstant('metAt')} as met_at,
    ${clockInstant('breachedAt')} as breached_at,
    ${clockInstant('stoppedAt')} as stopped_at,
    case when jsonb_path_exists(c.value->'pauses', '$[*] ? (@.to == null)') then 'yes' else 'no' end as paused
  from ${tickets} t cross join lateral jsonb_each(t.sla->'clocks') c
  where jsonb_typeof(c.value) = 'object'`,
);
