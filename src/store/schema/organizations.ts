import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Customer accounts. `tier` is resolved from the criteria (or `tier_override`) by the policy. */
export const organizations = pgTable(
  'organizations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    contractValue: bigint('contract_value', { mode: 'number' }).notNull().default(0),
    monthlyUsage: bigint('monthly_usage', { mode: 'number' }).notNull().default(0),
    criticalityFlags: text('criticality_flags').array().notNull().default(sql`'{}'::text[]`),
    strategic: boolean('strategic').notNull().default(false),
    criticalSystems: text('critical_systems').array().notNull().default(sql`'{}'::text[]`),
    tier: text('tier').notNull(),
    tierReason: text('tier_reason').notNull().default(''),
    tierOverride: text('tier_override'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('organizations_name_key').on(t.name)],
);

/** A chat channel (Slack channel, Discord channel or forum, sandbox room) that belongs to an organization. */
export const channelLinks = pgTable(
  'channel_links',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    platform: text('platform').notNull(),
    channelId: text('channel_id').notNull(),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    tierOverride: text('tier_override'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('channel_links_platform_channel_key').on(t.platform, t.channelId),
    index('channel_links_org_idx').on(t.organizationId),
  ],
);
