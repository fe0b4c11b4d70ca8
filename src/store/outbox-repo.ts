import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Platform } from '../domain/policy.js';
import type { OutboundMessage } from '../ports/outbound.js';
import type { ClaimedMessage, ClaimSpread, OutboxLane, OutboxRepository } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { outbox } from './schema/index.js';
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

/**
 * A message's destination as a platform's pace counts it (`ClaimedMessage.destination`): a
 * channel, whatever the message is in it (a thread reply, a card, a notice), or one person's
 * direct messages (a page, or an edit of one). For a row `o` of the outbox.
 */
const DESTINATION = sql.raw(
  `o.platform || ':' || case when o.payload->>'kind' in ('direct_message', 'page_update') then 'user:' || (o.payload->>'userId') else coalesce(o.payload->>'channelId', '') end`,
);

/** Row `o` is the oldest pending message of its ordering key: a ticket's messages go out in order. */
const isHead = sql.raw(
  `not exists (select 1 from outbox e where e.ordering_key = o.ordering_key and e.status = 'pending' and e.id < o.id)`,
);

/**
 * The due heads of a lane (platforms: the keys of `plan`), each with its destination, its place in
 * that destination's line (oldest first) and its platform's spread (`pace`, from `plan`), the
 * destinations in `skip` left out. Reads only: no row is locked.
 */
function linedHeads(lane: OutboxLane, at: string, plan: string, skip: string[]): SQL {
  return sql`
    select h.id, h.next_attempt_at, h.destination, ${plan}::jsonb -> h.platform as pace,
      row_number() over (partition by h.destination order by h.next_attempt_at, h.id) as place
    from (
      select o.id, o.platform, o.next_attempt_at, ${DESTINATION} as destination
      from outbox o
      where o.status = 'pending' and o.priority = ${lane === 'urgent' ? 0 : 1}::smallint
        and o.next_attempt_at <= ${at}::timestamptz
        and (o.locked_until is null or o.locked_until <= ${at}::timestamptz)
        and o.platform = any (array(select jsonb_object_keys(${plan}::jsonb)))
        and ${isHead}
    ) h
    where h.destination <> all (array(select jsonb_array_elements_text(${JSON.stringify(skip)}::jsonb)))`;
}

/** The rows a claim returned, oldest first. */
function toClaimed(result: unknown): ClaimedMessage[] {
  const extra = new Map(
    rowsOf<{ id: string | number; was_in_doubt: boolean; destination: string }>(result).map((r) => [
      Number(r.id),
      r,
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
      uncertain: extra.get(r.id)?.was_in_doubt ?? false,
      queuedAt: r.createdAt.getTime(),
      destination: extra.get(r.id)!.destination,
      leasedUntil: r.lockedUntil!.getTime(),
    }));
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
    spread?: ClaimSpread,
  ): Promise<ClaimedMessage[]> {
    if (platforms.length === 0) return [];
    const at = new Date(now).toISOString();
    // Per platform its spread (null: no limit per destination), as one parameter.
    const plan = JSON.stringify(
      Object.fromEntries(platforms.map((p) => [p, spread?.perDestination[p] ?? null])),
    );
    // One statement (so no transaction is needed to hold the row locks between a read and the
    // write). The heads are lined up per destination without locks; only the rows picked are then
    // locked (SKIP LOCKED: another replica's claim of the same rows wins), leased and counted.
    // A taken row that was in doubt before says so (the adapter looks for it before posting).
    const result = await this.db.execute(sql`
      with lined as (${linedHeads(lane, at, plan, spread?.skip ?? [])}), picked as (
        select id, destination, place, coalesce((pace ->> 'spacingMs')::float8, 0) as spacing_ms
        from lined
        where place <= coalesce((pace ->> 'max')::int, ${limit}::int)
        order by next_attempt_at, id
        limit ${limit}::int
      ), due as (
        select o.id, o.in_doubt, p.destination, p.place, p.spacing_ms
        from outbox o join picked p on p.id = o.id
        where o.status = 'pending' and (o.locked_until is null or o.locked_until <= ${at}::timestamptz)
        for update of o skip locked
      )
      update outbox set
        locked_until = ${at}::timestamptz
          + round(${leaseMs}::float8 + due.place * due.spacing_ms)::bigint * interval '1 millisecond',
        attempts = outbox.attempts + 1, in_doubt = true
      from due where outbox.id = due.id
      returning outbox.*, due.in_doubt as was_in_doubt, due.destination`);
    return toClaimed(result);
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

  async release(messages: Array<Pick<ClaimedMessage, 'id' | 'uncertain' | 'leasedUntil'>>): Promise<void> {
    if (messages.length === 0) return;
    const rows = JSON.stringify(
      messages.map((m) => ({ id: m.id, in_doubt: m.uncertain, leased_until: new Date(m.leasedUntil) })),
    );
    // Only while the lease is still this worker's: after it, another worker may hold the row.
    await this.db.execute(sql`
      update outbox set locked_until = null, attempts = outbox.attempts - 1, in_doubt = v.in_doubt
      from jsonb_to_recordset(${rows}::jsonb) as v(id bigint, in_doubt boolean, leased_until timestamptz)
      where outbox.id = v.id and outbox.status = 'pending' and outbox.locked_until = v.leased_until`);
  }

  async markSent(sent: Array<{ id: number; result: Record<string, unknown> }>, at: number): Promise<void> {
    if (sent.length === 0) return;
    // One statement for all the outcomes written together: in a flood, per-message updates cost
    // more than the sends.
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
    // Heads only: a message waiting behind an earlier one of its ticket is not due whatever its
    // time, and counting it had the worker claim again and again, finding nothing.
    const result = await this.db.execute(sql`
      select min(greatest(o.next_attempt_at, coalesce(o.locked_until, o.next_attempt_at))) as at
      from outbox o
      where o.status = 'pending' and o.priority = ${lane === 'urgent' ? 0 : 1}::smallint
        and o.platform = any (array(select jsonb_array_elements_text(${JSON.stringify(platforms)}::jsonb)))
        and ${isHead}`);
    const at = rowsOf<{ at: Date | string | null }>(result)[0]?.at;
    return at ? new Date(at).getTime() : null;
  }

  async backlog(): Promise<Array<{ platform: Platform; pending: number; oldestQueuedAt: number }>> {
    // Through the partial index of pending rows (outbox_ordering_idx): sent rows are not read.
    const result = await this.db.execute(sql`
      select o.platform, count(*)::int as pending, min(o.created_at) as oldest
      from outbox o where o.status = 'pending' group by o.platform`);
    return rowsOf<{ platform: Platform; pending: number | string; oldest: Date | string }>(result).map(
      (r) => ({
        platform: r.platform,
        pending: Number(r.pending),
        oldestQueuedAt: new Date(r.oldest).getTime(),
      }),
    );
  }
}
