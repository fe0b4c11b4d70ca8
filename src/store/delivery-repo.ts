import { and, asc, eq, gt, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Platform, RotationPolicy } from '../domain/policy.js';
import type { OutboundMessage } from '../ports/outbound.js';
import type { ClaimedMessage, OutboxLane, OutboxRepository, RotationRepository } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { oncallOverrides, oncallRotations, outbox, people } from './schema/index.js';
import { insertJson, mapRows, oneOf, rowsOf } from './sql.js';

/** The outbox row of a message to deliver from `when` on. */
export function outboxRow(
  m: OutboundMessage,
  ticketId: number | null,
  when: Date,
): typeof outbox.$inferInsert {
  return {
    idempotencyKey: m.key,
    platform: m.platform,
    orderingKey: m.orderingKey,
    ticketId,
    payload: m.body as unknown as Record<string, unknown>,
    priority: m.priority === 'urgent' ? 0 : 1,
    nextAttemptAt: when,
    createdAt: when,
  };
}

export class DrizzleOutboxRepository implements OutboxRepository {
  constructor(private readonly db: DbOrTx) {}

  enqueue(messages: OutboundMessage[], ticketId: number | null, at: number): Promise<void> {
    return this.enqueueMany([{ messages, ticketId }], at);
  }

  async enqueueMany(
    entries: Array<{ messages: OutboundMessage[]; ticketId: number | null }>,
    at: number,
  ): Promise<void> {
    const when = new Date(at);
    const all = entries.flatMap(({ messages, ticketId }) => messages.map((m) => ({ m, ticketId })));
    const others = all.filter(({ m }) => m.body.kind !== 'ticket_card');
    const cards = all.filter(({ m }) => m.body.kind === 'ticket_card');
    await Promise.all([
      others.length > 0 ? this.enqueuePlain(others, when) : undefined,
      cards.length > 0 ? this.enqueueCards(cards, when) : undefined,
    ]);
  }

  private async enqueuePlain(rows: Array<{ m: OutboundMessage; ticketId: number | null }>, when: Date) {
    await insertJson(
      this.db,
      outbox,
      rows.map(({ m, ticketId }) => outboxRow(m, ticketId, when)),
      { tail: sql`on conflict (idempotency_key) do nothing` },
    );
  }

  /**
   * A card refresh is skipped when one for the same ticket is already waiting and not taken by a
   * worker: cards are rendered from the ticket at delivery, so the waiting one will show this change.
   * All cards go in one statement.
   */
  private async enqueueCards(
    cards: Array<{ m: OutboundMessage; ticketId: number | null }>,
    at: Date,
  ): Promise<void> {
    const when = at.toISOString();
    const rows = JSON.stringify(
      cards.map(({ m, ticketId }) => ({
        key: m.key,
        platform: m.platform,
        ordering_key: m.orderingKey,
        ticket_id: ticketId,
        payload: m.body,
      })),
    );
    await this.db.execute(sql`
      insert into outbox (idempotency_key, platform, ordering_key, ticket_id, payload, priority, next_attempt_at, created_at)
      select v.key, v.platform, v.ordering_key, v.ticket_id, v.payload, 1, ${when}::timestamptz, ${when}::timestamptz
      from jsonb_to_recordset(${rows}::jsonb)
        as v(key text, platform text, ordering_key text, ticket_id integer, payload jsonb)
      -- LIMIT 1 in a lateral subquery: one index probe per card, whatever the planner guesses of
      -- the recordset's size (a plain NOT EXISTS turned into an anti-join over every pending row).
      left join lateral (
        select 1 as waiting from outbox o
        where o.ordering_key = v.ordering_key and o.status = 'pending'
          and o.payload->>'kind' = 'ticket_card' and o.payload->>'ticketId' = v.payload->>'ticketId'
          and (o.locked_until is null or o.locked_until <= ${when}::timestamptz)
        limit 1) w on true
      where w.waiting is null
      on conflict (idempotency_key) do nothing`);
  }

  async claimDue(
    platforms: Platform[],
    now: number,
    limit: number,
    leaseMs: number,
    lane: OutboxLane,
  ): Promise<ClaimedMessage[]> {
    if (platforms.length === 0) return [];
    const at = new Date(now);
    const earlier = alias(outbox, 'earlier');
    const due = this.db
      .select({ id: outbox.id, inDoubt: outbox.inDoubt })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          eq(outbox.priority, lane === 'urgent' ? 0 : 1),
          lte(outbox.nextAttemptAt, at),
          or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, at)),
          inArray(outbox.platform, platforms),
          // Only the head of each ordering key: a ticket's messages go out in order.
          notExists(
            this.db
              .select({ one: sql`1` })
              .from(earlier)
              .where(
                and(
                  eq(earlier.orderingKey, outbox.orderingKey),
                  eq(earlier.status, 'pending'),
                  lt(earlier.id, outbox.id),
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(outbox.priority), asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(limit)
      .for('update', { of: outbox, skipLocked: true });
    // One statement (so no transaction is needed to hold the row locks between a read and the
    // write): lock the due heads, lease them, and say which were already in doubt before.
    const result = await this.db.execute(sql`
      with due as (${due})
      update ${outbox} set locked_until = ${new Date(now + leaseMs).toISOString()}::timestamptz,
        attempts = ${outbox.attempts} + 1, in_doubt = true
      from due where ${outbox.id} = due.id
      returning ${outbox}.*, due.in_doubt as was_in_doubt`);
    const doubt = new Map(
      rowsOf<{ id: string | number; was_in_doubt: boolean }>(result).map((r) => [
        Number(r.id),
        r.was_in_doubt,
      ]),
    );
    return mapRows(outbox, result)
      .sort((a, b) => a.id - b.id)
      .map((r) => ({
        id: r.id,
        key: r.idempotencyKey,
        platform: r.platform as Platform,
        ticketId: r.ticketId,
        body: r.payload as unknown as ClaimedMessage['body'],
        attempts: r.attempts,
        uncertain: doubt.get(r.id) ?? false,
      }));
  }

  async sentByKeys(
    keys: string[],
  ): Promise<Map<string, { body: OutboundMessage['body']; ref: string | null }>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .select({ key: outbox.idempotencyKey, payload: outbox.payload, result: outbox.result })
      .from(outbox)
      .where(and(oneOf(outbox.idempotencyKey, [...new Set(keys)]), eq(outbox.status, 'sent')));
    return new Map(
      rows.map((r) => {
        const ref = (r.result as { ref?: unknown } | null)?.ref;
        return [
          r.key,
          {
            body: r.payload as unknown as OutboundMessage['body'],
            ref: typeof ref === 'string' ? ref : null,
          },
        ];
      }),
    );
  }

  async markSent(sent: Array<{ id: number; result: Record<string, unknown> }>, at: number): Promise<void> {
    if (sent.length === 0) return;
    // One statement for the whole round: in a flood, per-message updates cost more than the sends.
    const rows = sql.join(
      sent.map((s) => sql`(${s.id}::bigint, ${JSON.stringify(s.result)}::jsonb)`),
      sql`, `,
    );
    await this.db.execute(sql`
      update outbox set status = 'sent', sent_at = ${new Date(at).toISOString()}::timestamptz, result = v.result,
        locked_until = null, in_doubt = false, last_error = null
      from (values ${rows}) as v(id, result)
      where outbox.id = v.id`);
  }

  async markFailed(
    id: number,
    f: { error: string; retryAt: number; inDoubt: boolean; dead: boolean },
  ): Promise<void> {
    await this.db
      .update(outbox)
      .set({
        status: f.dead ? 'dead' : 'pending',
        lastError: f.error.slice(0, 2000),
        nextAttemptAt: new Date(f.retryAt),
        lockedUntil: null,
        inDoubt: f.inDoubt,
      })
      .where(eq(outbox.id, id));
  }

  async nextDueAt(platforms: Platform[], lane: OutboxLane): Promise<number | null> {
    if (platforms.length === 0) return null;
    const rows = await this.db
      .select({
        at: sql<
          Date | string | null
        >`min(greatest(${outbox.nextAttemptAt}, coalesce(${outbox.lockedUntil}, ${outbox.nextAttemptAt})))`,
      })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          eq(outbox.priority, lane === 'urgent' ? 0 : 1),
          inArray(outbox.platform, platforms),
        ),
      );
    const at = rows[0]?.at;
    return at ? new Date(at).getTime() : null;
  }
}

export class DrizzleRotationRepository implements RotationRepository {
  constructor(private readonly db: DbOrTx) {}

  async all(): Promise<RotationPolicy[]> {
    const rows = await this.db.select().from(oncallRotations);
    return rows.map((r) => r.definition);
  }

  async overrides(rotation: string, at: number) {
    const rows = await this.db
      .select({ handle: people.handle, from: oncallOverrides.startsAt, to: oncallOverrides.endsAt })
      .from(oncallOverrides)
      .innerJoin(people, eq(people.id, oncallOverrides.personId))
      .where(
        and(
          eq(oncallOverrides.rotation, rotation),
          gt(oncallOverrides.endsAt, new Date(at)),
          lte(oncallOverrides.startsAt, new Date(at + 90 * 86_400_000)),
        ),
      );
    return rows.map((r) => ({ person: r.handle, from: r.from.getTime(), to: r.to.getTime() }));
  }
}
