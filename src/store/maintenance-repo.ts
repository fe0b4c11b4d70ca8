import {
  and,
  asc,
  eq,
  exists,
  inArray,
  isNotNull,
  isNull,
  lte,
  notExists,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import {
  AUTO_CLOSE_WARNING,
  type MaintenanceRepository,
  type QueueDigestCounts,
} from '../ports/maintenance.js';
import type { TicketRecord } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { outbox, slaClocks, tickets } from './schema/index.js';
import { ticketFromRow } from './tickets-repo.js';

const ACTIVE = ['new', 'open', 'waiting_on_customer'];

export class DrizzleMaintenanceRepository implements MaintenanceRepository {
  constructor(readonly db: DbOrTx) {}

  async claimAutoCloseDue(now: number, warnUntil: number, limit: number): Promise<TicketRecord[]> {
    // The same key as autoCloseWarningKey(id, autoCloseAt), built in SQL so warned rows are skipped
    // through the outbox's unique index instead of being locked and re-warned (a no-op) every run.
    const warningKey = sql`concat('ticket:', ${tickets.id}, ${`:${AUTO_CLOSE_WARNING}:`}::text, round(extract(epoch from ${tickets.autoCloseAt}) * 1000)::bigint)`;
    const warned = this.db.select({ one: sql`1` }).from(outbox).where(eq(outbox.idempotencyKey, warningKey));
    const rows = await this.db
      .select()
      .from(tickets)
      .where(
        and(
          isNotNull(tickets.autoCloseAt),
          lte(tickets.autoCloseAt, new Date(warnUntil)),
          eq(tickets.status, 'resolved'),
          or(lte(tickets.autoCloseAt, new Date(now)), notExists(warned)),
        ),
      )
      .orderBy(asc(tickets.autoCloseAt), asc(tickets.id))
      .limit(limit)
      .for('update', { of: tickets, skipLocked: true });
    return rows.map(ticketFromRow);
  }

  async queuedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .select({ key: outbox.idempotencyKey })
      .from(outbox)
      .where(inArray(outbox.idempotencyKey, keys));
    return new Set(rows.map((r) => r.key));
  }

  async queueDigestCounts(
    queues: string[],
    q: { now: number; atRiskMs: number; oldestLimit: number },
  ): Promise<QueueDigestCounts[]> {
    if (queues.length === 0) return [];
    const anyClock = (cond: SQL | undefined) =>
      exists(
        this.db
          .select({ one: sql`1` })
          .from(slaClocks)
          .where(and(eq(slaClocks.ticketId, tickets.id), cond)),
      );
    const atRisk = anyClock(
      and(
        isNull(slaClocks.metAt),
        isNull(slaClocks.breachedAt),
        isNull(slaClocks.stoppedAt),
        eq(slaClocks.paused, 'no'),
        lte(slaClocks.dueAt, new Date(q.now + q.atRiskMs)),
      ),
    );
    const breached = anyClock(and(isNotNull(slaClocks.breachedAt), isNull(slaClocks.metAt)));
    const rows = await this.db
      .select({
        queue: tickets.queue,
        open: sql<number>`count(*)::int`,
        atRisk: sql<number>`(count(*) filter (where ${atRisk}))::int`,
        breached: sql<number>`(count(*) filter (where ${breached}))::int`,
        unclaimed: sql<number>`(count(*) filter (where ${tickets.assigneeId} is null))::int`,
        oldest: sql<Array<
          number | string
        > | null>`(array_agg(${tickets.id} order by ${tickets.createdAt}, ${tickets.id}) filter (where ${tickets.assigneeId} is null))[1:${q.oldestLimit}::int]`,
      })
      .from(tickets)
      .where(and(inArray(tickets.queue, queues), inArray(tickets.status, ACTIVE)))
      .groupBy(tickets.queue);
    const byQueue = new Map(rows.map((r) => [r.queue, r]));
    return queues.map((queue) => {
      const r = byQueue.get(queue);
      return {
        queue,
        open: Number(r?.open ?? 0),
        atRisk: Number(r?.atRisk ?? 0),
        breached: Number(r?.breached ?? 0),
        unclaimed: Number(r?.unclaimed ?? 0),
        oldestUnclaimed: (r?.oldest ?? []).map(Number),
      };
    });
  }

  async staleCards(staleBefore: number, limit: number): Promise<TicketRecord[]> {
    const rows = await this.db
      .select()
      .from(tickets)
      .where(
        and(
          isNotNull(tickets.cardMessageRef),
          inArray(tickets.status, ['new', 'open', 'waiting_on_customer']),
          or(isNull(tickets.cardRefreshedAt), lte(tickets.cardRefreshedAt, new Date(staleBefore))),
        ),
      )
      .orderBy(sql`${tickets.cardRefreshedAt} asc nulls first`)
      .limit(limit)
      .for('update', { skipLocked: true });
    return rows.map(ticketFromRow);
  }

  async markCardsRefreshed(ids: number[], at: number): Promise<void> {
    if (ids.length > 0)
      await this.db
        .update(tickets)
        .set({ cardRefreshedAt: new Date(at) })
        .where(inArray(tickets.id, ids));
  }
}
