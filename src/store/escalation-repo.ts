import { and, asc, desc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { EscalationState } from '../domain/escalation/types.js';
import type { Platform } from '../domain/policy.js';
import type { EscalationRecord, EscalationRepository, PageMessageRecord } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { escalations, pageMessages } from './schema/index.js';
import { jsonRows, mapRows, oneOf } from './sql.js';
import { toDate } from './time.js';

const record = (r: typeof escalations.$inferSelect): EscalationRecord => ({
  id: r.id,
  ticketId: r.ticketId,
  state: r.state,
});

export class DrizzleEscalationRepository implements EscalationRepository {
  constructor(private readonly db: DbOrTx) {}

  async active(ticketId: number): Promise<EscalationRecord | null> {
    return (await this.activeFor([ticketId])).get(ticketId) ?? null;
  }

  async activeFor(ticketIds: number[]): Promise<Map<number, EscalationRecord>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(escalations)
      .where(and(oneOf(escalations.ticketId, [...new Set(ticketIds)]), eq(escalations.status, 'active')));
    return new Map(rows.map((r) => [r.ticketId, { id: r.id, ticketId: r.ticketId, state: r.state }]));
  }

  async latestFor(ticketIds: number[]): Promise<Map<number, EscalationRecord>> {
    if (ticketIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([escalations.ticketId])
      .from(escalations)
      .where(oneOf(escalations.ticketId, [...new Set(ticketIds)]))
      .orderBy(escalations.ticketId, desc(escalations.id));
    return new Map(rows.map((r) => [r.ticketId, record(r)]));
  }

  async byIds(ids: number[]): Promise<Map<number, EscalationRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(escalations)
      .where(oneOf(escalations.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, record(r)]));
  }

  async recordPageMessages(records: PageMessageRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db
      .insert(pageMessages)
      .values(
        records.map((r) => ({
          escalationId: r.escalationId,
          outboxKey: r.key,
          platform: r.platform,
          orderingKey: r.orderingKey,
          userId: r.userId,
        })),
      )
      .onConflictDoNothing();
  }

  async pageMessages(escalationId: number): Promise<PageMessageRecord[]> {
    const rows = await this.db
      .select()
      .from(pageMessages)
      .where(eq(pageMessages.escalationId, escalationId))
      .orderBy(asc(pageMessages.outboxKey));
    return rows.map((r) => ({
      escalationId: r.escalationId,
      key: r.outboxKey,
      platform: r.platform as Platform,
      orderingKey: r.orderingKey,
      userId: r.userId,
    }));
  }

  async start(ticketId: number, state: EscalationState, at: number): Promise<EscalationRecord | null> {
    return (await this.startMany([{ ticketId, state }], at)).get(ticketId) ?? null;
  }

  async startMany(
    starts: Array<{ ticketId: number; state: EscalationState }>,
    at: number,
  ): Promise<Map<number, EscalationRecord>> {
    if (starts.length === 0) return new Map();
    const when = new Date(at);
    const r = jsonRows(
      escalations,
      starts.map(({ ticketId, state }) => ({
        ticketId,
        trigger: state.trigger,
        status: state.status,
        state,
        nextCheckAt: toDate(state.nextCheckAt),
        createdAt: when,
        updatedAt: when,
      })),
    );
    // ON CONFLICT covers an active escalation (the partial unique index); NOT EXISTS also keeps out
    // one whose first step already finished it (a chain with no one to page) while another runs.
    const result = await this.db.execute(sql`
      insert into ${escalations} (${r.columns}) ${r.rows}
      where not exists (
        select 1 from ${escalations} a where a.ticket_id = v."ticket_id" and a.status = 'active')
      order by v."ordinality"
      on conflict do nothing
      returning *`);
    return new Map(
      mapRows(escalations, result).map((row) => [
        row.ticketId,
        { id: row.id, ticketId: row.ticketId, state: row.state },
      ]),
    );
  }

  async claimDue(now: number, limit: number): Promise<EscalationRecord[]> {
    const rows = await this.db
      .select()
      .from(escalations)
      .where(and(lte(escalations.nextCheckAt, new Date(now)), eq(escalations.status, 'active')))
      .orderBy(asc(escalations.nextCheckAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    return rows.map((r) => ({ id: r.id, ticketId: r.ticketId, state: r.state }));
  }

  async nextCheckAt(): Promise<number | null> {
    const rows = await this.db
      .select({ at: escalations.nextCheckAt })
      .from(escalations)
      .where(isNotNull(escalations.nextCheckAt))
      .orderBy(asc(escalations.nextCheckAt))
      .limit(1);
    return rows[0]?.at ? rows[0].at.getTime() : null;
  }

  async save(id: number, state: EscalationState, at: number): Promise<void> {
    await this.db
      .update(escalations)
      .set({ status: state.status, state, nextCheckAt: toDate(state.nextCheckAt), updatedAt: new Date(at) })
      .where(eq(escalations.id, id));
  }
}
