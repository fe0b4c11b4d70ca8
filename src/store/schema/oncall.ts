import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { RotationPolicy } from '../../domain/policy.js';
import { people } from './people.js';

/**
 * On-call rotations in force. Rows come from the policy file (synced at start, `source = 'policy'`)
 * and from `tierdesk import` (`source = 'import'`).
 */
export const oncallRotations = pgTable('oncall_rotations', {
  name: text('name').primaryKey(),
  definition: jsonb('definition').$type<RotationPolicy>().notNull(),
  source: text('source').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Temporary replacements of the scheduled person (`/oncall override`). */
export const oncallOverrides = pgTable(
  'oncall_overrides',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    rotation: text('rotation').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdBy: integer('created_by').references(() => people.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('oncall_overrides_rotation_end_idx').on(t.rotation, t.endsAt)],
);
