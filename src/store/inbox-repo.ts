import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Platform } from '../domain/policy.js';
import type { InboundEvent, InboxRepository } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { inbox } from './schema/index.js';
import { insertJson } from './sql.js';

/** The inbox of platform events the Slack ingress answered for (see src/app/intake/inbound-events.ts). */
export class DrizzleInboxRepository implements InboxRepository {
  constructor(private readonly db: DbOrTx) {}

  async acceptMany(events: InboundEvent[], at: number, claimedUntil: number): Promise<void> {
    if (events.length === 0) return;
    const receivedAt = new Date(at);
    const until = new Date(claimedUntil);
    await insertJson(
      this.db,
      inbox,
      events.map((e) => ({ ...e, receivedAt, claimedUntil: until })),
      { tail: sql`on conflict do nothing` },
    );
  }

  async handled(platform: Platform, eventIds: string[], at: number): Promise<void> {
    if (eventIds.length === 0) return;
    const handledAt = new Date(at);
    // An upsert: the bot may finish an event before the batch recording it has committed.
    await insertJson(
      this.db,
      inbox,
      [...new Set(eventIds)].map((eventId) => ({ platform, eventId, receivedAt: handledAt, handledAt })),
      {
        tail: sql`on conflict (platform, event_id) do update
          set handled_at = excluded.handled_at, body = null, claimed_until = null`,
      },
    );
  }

  async takeOverAbandoned(
    platform: Platform,
    at: number,
    claimedUntil: number,
    limit: number,
    maxTakeovers: number,
  ): Promise<InboundEvent[]> {
    const due = this.db
      .select({ eventId: inbox.eventId })
      .from(inbox)
      .where(
        and(
          eq(inbox.platform, platform),
          isNull(inbox.handledAt),
          lt(inbox.claimedUntil, new Date(at)),
          lt(inbox.takeovers, maxTakeovers),
        ),
      )
      .orderBy(asc(inbox.receivedAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(inbox)
      .set({ claimedUntil: new Date(claimedUntil), takeovers: sql`${inbox.takeovers} + 1` })
      .where(and(eq(inbox.platform, platform), inArray(inbox.eventId, due)))
      .returning();
    return rows
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
      .map((r) => ({
        platform: r.platform as Platform,
        eventId: r.eventId,
        body: r.body ?? '{}',
        retryNum: r.retryNum,
        retryReason: r.retryReason,
      }));
  }

  async pruneHandled(before: number, limit: number): Promise<number> {
    const old = this.db
      .select({ eventId: inbox.eventId })
      .from(inbox)
      .where(and(isNotNull(inbox.handledAt), lt(inbox.handledAt, new Date(before))))
      .limit(limit);
    const rows = await this.db
      .delete(inbox)
      .where(and(isNotNull(inbox.handledAt), inArray(inbox.eventId, old)))
      .returning({ eventId: inbox.eventId });
    return rows.length;
  }
}
