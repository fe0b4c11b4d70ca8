import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/** Everyone tierdesk knows: customers (with their organization) and staff. */
export const people = pgTable(
  'people',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    handle: text('handle').notNull(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    timezone: text('timezone'),
    organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'set null' }),
    /** customer, agent, specialist, oncall, lead, admin */
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('people_handle_key').on(t.handle), index('people_org_idx').on(t.organizationId)],
);

/** A person's account on a chat platform (Slack user id, Discord user id, sandbox name). */
export const identities = pgTable(
  'identities',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    /** Slack team id / Discord guild id, when known. */
    workspaceId: text('workspace_id'),
  },
  (t) => [
    uniqueIndex('identities_platform_external_key').on(t.platform, t.externalId),
    index('identities_person_idx').on(t.personId),
  ],
);

/** The competency matrix: a person's level (1–5) in a domain and the tiers they are qualified to serve. */
export const skills = pgTable(
  'skills',
  {
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    domain: text('domain').notNull(),
    level: smallint('level').notNull(),
    /** Empty = qualified for every tier. */
    tiers: text('tiers').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [primaryKey({ columns: [t.personId, t.domain] }), index('skills_domain_idx').on(t.domain)],
);
