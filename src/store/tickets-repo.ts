import { and, asc, desc, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { Platform, Priority } from '../domain/policy.js';
import type { TicketStatus } from '../domain/ticket.js';
import type { NewTicket, SlaChange, TicketRecord, TicketRepository } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { skills, tickets } from './schema/index.js';
import { anyOf, insertJson, oneOf, perHandle, rowsOf } from './sql.js';
import { toDate, toMs } from './time.js';

type Row = typeof tickets.$inferSelect;

export function ticketFromRow(r: Row): TicketRecord {
  return {
    id: r.id,
    organizationId: r.organizationId,
    requesterId: r.requesterId,
    assigneeId: r.assigneeId,
    tier: r.tier,
    priority: r.priority as Priority,
    domain: r.domain,
    status: r.status as TicketStatus,
    queue: r.queue,
    subject: r.subject,
    description: r.description,
    origin: {
      platform: r.originPlatform as Platform,
      channelId: r.originChannelId,
      messageId: r.originMessageId,
      threadRef: r.originThreadRef,
    },
    card:
      r.cardPlatform && r.cardChannelId
        ? { platform: r.cardPlatform as Platform, channelId: r.cardChannelId, messageRef: r.cardMessageRef }
        : null,
    triageReasons: r.triageReasons,
    routeReasons: r.routeReasons,
    candidates: r.candidates ?? [],
    policySnapshot: r.policySnapshot,
    sla: r.sla,
    slaNextCheckAt: toMs(r.slaNextCheckAt),
    acknowledgedAt: toMs(r.acknowledgedAt),
    firstResponseAt: toMs(r.firstResponseAt),
    resolvedAt: toMs(r.resolvedAt),
    closedAt: toMs(r.closedAt),
    autoCloseAt: toMs(r.autoCloseAt),
    publicReplyCount: r.publicReplyCount,
    reopenCount: r.reopenCount,
    version: r.version,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
  };
}

function mutableColumns(t: NewTicket) {
  return {
    requesterId: t.requesterId,
    assigneeId: t.assigneeId,
    tier: t.tier,
    priority: t.priority,
    domain: t.domain,
    status: t.status,
    queue: t.queue,
    subject: t.subject,
    description: t.description,
    originThreadRef: t.origin.threadRef,
    cardPlatform: t.card?.platform ?? null,
    cardChannelId: t.card?.channelId ?? null,
    cardMessageRef: t.card?.messageRef ?? null,
    triageReasons: t.triageReasons,
    routeReasons: t.routeReasons,
    candidates: t.candidates,
    sla: t.sla,
    slaNextCheckAt: toDate(t.slaNextCheckAt),
    acknowledgedAt: toDate(t.acknowledgedAt),
    firstResponseAt: toDate(t.firstResponseAt),
    resolvedAt: toDate(t.resolvedAt),
    closedAt: toDate(t.closedAt),
    autoCloseAt: toDate(t.autoCloseAt),
    publicReplyCount: t.publicReplyCount,
    reopenCount: t.reopenCount,
    updatedAt: new Date(t.updatedAt),
  };
}

/** The row of a ticket about to be inserted; `id` when its number was reserved beforehand. */
export function newTicketRow(t: NewTicket & { id?: number }): typeof tickets.$inferInsert {
  // One spread, first (a copy of the object's shape), then named properties: a row per new ticket
  // in a flood, so no chain of spreads that leaves a slow dictionary-mode object.
  const row: typeof tickets.$inferInsert & { id?: number } = {
    ...mutableColumns(t),
    organizationId: t.organizationId,
    originPlatform: t.origin.platform,
    originChannelId: t.origin.channelId,
    originMessageId: t.origin.messageId,
    policySnapshot: t.policySnapshot,
    createdAt: new Date(t.createdAt),
  };
  if (t.id !== undefined) row.id = t.id;
  return row;
}

/** Tickets opened from these messages of one platform (every intake batch asks). */
const byOrigins = perHandle((db: DbOrTx) =>
  db
    .select()
    .from(tickets)
    .where(
      and(eq(tickets.originPlatform, sql.placeholder('platform')), anyOf(tickets.originMessageId, 'ids')),
    )
    .prepare('tickets_by_origins'),
);

/** Open tickets per assignee among the people skilled in any of `domains` (every intake batch asks). */
const loadOf = perHandle((db: DbOrTx) =>
  db
    .select({ assigneeId: tickets.assigneeId, n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(
        isNotNull(tickets.assigneeId),
        inArray(
          tickets.assigneeId,
          db.selectDistinct({ id: skills.personId }).from(skills).where(anyOf(skills.domain, 'domains')),
        ),
        inArray(tickets.status, ['new', 'open', 'waiting_on_customer']),
      ),
    )
    .groupBy(tickets.assigneeId)
    .prepare('open_load'),
);

/**
 * The ticket a thread belongs to (every reply in a thread asks): a customer thread wins over a card
 * thread, the newest ticket over older ones, in one query.
 */
const byThread = perHandle((db: DbOrTx) => {
  const [platform, channelId, threadRef] = [
    sql.placeholder('platform'),
    sql.placeholder('channelId'),
    sql.placeholder('threadRef'),
  ];
  const origin = and(
    eq(tickets.originPlatform, platform),
    eq(tickets.originChannelId, channelId),
    eq(tickets.originThreadRef, threadRef),
  );
  const card = and(
    eq(tickets.cardPlatform, platform),
    eq(tickets.cardChannelId, channelId),
    eq(tickets.cardMessageRef, threadRef),
  );
  const viaOrigin = sql<boolean>`coalesce(${origin}, false)`;
  return db
    .select({ ticket: tickets, viaOrigin })
    .from(tickets)
    .where(or(origin, card))
    .orderBy(desc(viaOrigin), desc(tickets.id))
    .limit(1)
    .prepare('ticket_by_thread');
});

export class DrizzleTicketRepository implements TicketRepository {
  constructor(private readonly db: DbOrTx) {}

  async insert(t: NewTicket): Promise<TicketRecord | null> {
    return (await this.insertMany([t]))[0] ?? null;
  }

  async insertMany(ts: NewTicket[]): Promise<TicketRecord[]> {
    if (ts.length === 0) return [];
    const rows = await insertJson(this.db, tickets, ts.map(newTicketRow), {
      tail: sql`on conflict (origin_platform, origin_message_id) do nothing`,
      returning: true,
    });
    return rows.map(ticketFromRow);
  }

  async get(id: number, opts: { forUpdate?: boolean } = {}): Promise<TicketRecord | null> {
    const q = this.db.select().from(tickets).where(eq(tickets.id, id));
    const rows = opts.forUpdate ? await q.for('update') : await q;
    return rows[0] ? ticketFromRow(rows[0]) : null;
  }

  async getMany(ids: number[]): Promise<Map<number, TicketRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(tickets)
      .where(oneOf(tickets.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, ticketFromRow(r)]));
  }

  async findByOrigin(platform: Platform, messageId: string): Promise<TicketRecord | null> {
    return (await this.findByOrigins(platform, [messageId]))[0] ?? null;
  }

  async findByOrigins(platform: Platform, messageIds: string[]): Promise<TicketRecord[]> {
    if (messageIds.length === 0) return [];
    const rows = await byOrigins(this.db).execute({ platform, ids: messageIds });
    return rows.map(ticketFromRow);
  }

  async findByThread(platform: Platform, channelId: string, threadRef: string) {
    const rows = await byThread(this.db).execute({ platform, channelId, threadRef });
    const r = rows[0];
    return r
      ? { ticket: ticketFromRow(r.ticket), via: r.viaOrigin ? ('customer' as const) : ('card' as const) }
      : null;
  }

  async update(t: TicketRecord): Promise<TicketRecord> {
    const rows = await this.db
      .update(tickets)
      .set({ ...mutableColumns(t), version: sql`${tickets.version} + 1` })
      .where(eq(tickets.id, t.id))
      .returning();
    return ticketFromRow(rows[0]!);
  }

  async updateSla(changes: SlaChange[]): Promise<TicketRecord[]> {
    if (changes.length === 0) return [];
    const values = JSON.stringify(
      changes.map((c) => ({
        id: c.ticket.id,
        sla: c.sla,
        next: c.slaNextCheckAt === null ? null : new Date(c.slaNextCheckAt).toISOString(),
        at: new Date(c.updatedAt).toISOString(),
      })),
    );
    const result = await this.db.execute(sql`
      update tickets t
      set sla = v.sla, sla_next_check_at = v.next, updated_at = v.at, version = t.version + 1
      from jsonb_to_recordset(${values}::jsonb) as v(id integer, sla jsonb, next timestamptz, at timestamptz)
      where t.id = v.id
      returning t.id, t.version`);
    const versions = new Map(
      rowsOf<{ id: number; version: number }>(result).map((r) => [Number(r.id), Number(r.version)]),
    );
    return changes.map((c) => ({
      ...c.ticket,
      sla: c.sla,
      slaNextCheckAt: c.slaNextCheckAt,
      updatedAt: c.updatedAt,
      version: versions.get(c.ticket.id) ?? c.ticket.version + 1,
    }));
  }

  async claimSlaDue(now: number, limit: number): Promise<TicketRecord[]> {
    const rows = await this.db
      .select()
      .from(tickets)
      .where(lte(tickets.slaNextCheckAt, new Date(now)))
      .orderBy(asc(tickets.slaNextCheckAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    return rows.map(ticketFromRow);
  }

  async nextSlaCheckAt(): Promise<number | null> {
    const rows = await this.db
      .select({ at: tickets.slaNextCheckAt })
      .from(tickets)
      .where(isNotNull(tickets.slaNextCheckAt))
      .orderBy(asc(tickets.slaNextCheckAt))
      .limit(1);
    return rows[0]?.at ? rows[0].at.getTime() : null;
  }

  async setCardRefs(refs: Array<{ id: number; messageRef: string }>): Promise<void> {
    if (refs.length === 0) return;
    // One statement for a delivery round's new cards.
    await this.db.execute(sql`
      update tickets set card_message_ref = v.ref
      from jsonb_to_recordset(${JSON.stringify(refs.map((r) => ({ id: r.id, ref: r.messageRef })))}::jsonb)
        as v(id bigint, ref text)
      where tickets.id = v.id`);
  }

  async setThreadRefs(refs: Array<{ id: number; threadRef: string }>): Promise<void> {
    if (refs.length === 0) return;
    await this.db.execute(sql`
      update tickets set origin_thread_ref = v.ref
      from jsonb_to_recordset(${JSON.stringify(refs.map((r) => ({ id: r.id, ref: r.threadRef })))}::jsonb)
        as v(id bigint, ref text)
      where tickets.id = v.id and tickets.origin_thread_ref is null`);
  }

  async openLoad(domains: string[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (domains.length === 0) return out;
    const rows = await loadOf(this.db).execute({ domains });
    for (const r of rows) if (r.assigneeId !== null) out.set(r.assigneeId, Number(r.n));
    return out;
  }
}
