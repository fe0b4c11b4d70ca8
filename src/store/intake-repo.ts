import { type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { IntakeRepository, OpeningTicket, TicketRecord } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { outboxRow } from './outbox-repo.js';
import { outbox, ticketEvents, ticketMessages, tickets } from './schema/index.js';
import { jsonRows, rowsOf } from './sql.js';
import { newTicketRow } from './tickets-repo.js';
import { eventRows, messageRow } from './timeline-repo.js';

/**
 * The intake's write: with the numbers reserved first, every row of a batch of new tickets is known
 * before the write, so one statement (data-modifying CTEs) inserts them all. Each table's rows
 * after the tickets' are kept only for tickets that statement inserted, so a ticket that another
 * replica opened first takes nothing of its own with it.
 */
export class DrizzleIntakeRepository implements IntakeRepository {
  constructor(private readonly db: DbOrTx) {}

  async reserveIds(n: number): Promise<Array<{ ticketId: number; messageId: number }>> {
    if (n <= 0) return [];
    const result = await this.db.execute(sql`
      select nextval(pg_get_serial_sequence('tickets', 'id')) as t,
        nextval(pg_get_serial_sequence('ticket_messages', 'id')) as m
      from generate_series(1, ${n}::int)`);
    return rowsOf<{ t: string | number; m: string | number }>(result).map((r) => ({
      ticketId: Number(r.t),
      messageId: Number(r.m),
    }));
  }

  async open(entries: OpeningTicket[], at: number): Promise<TicketRecord[]> {
    if (entries.length === 0) return [];
    const when = new Date(at);
    const ts = entries.map((e) => e.ticket);
    const ticketRows = jsonRows(
      tickets,
      ts.map((t) => newTicketRow(t)),
    );
    // Rows of the other tables, each kept only if its ticket was inserted above.
    // A message whose platform id is already stored (🎫 on a reply that another ticket holds) is
    // not inserted again, and its message_added event goes with it.
    // Each keeps its rows' order (the semi-join may not): the outbox delivers a ticket's messages
    // in id order.
    const dependents: Array<[string, PgTable, Array<Record<string, unknown>>, SQL, SQL]> = [
      [
        'm',
        ticketMessages,
        entries.map((e) => messageRow(e.message)),
        sql``,
        sql`on conflict do nothing returning id`,
      ],
      [
        'e',
        ticketEvents,
        eventRows(
          entries.map((e) => ({ ...e, ticketId: e.ticket.id })),
          at,
        ),
        sql`and (v."type" <> 'message_added' or (v."data"->>'messageId')::bigint in (select id from m))`,
        sql``,
      ],
      [
        'o',
        outbox,
        entries.flatMap((e) => e.outbox.map((m) => outboxRow(m, e.ticket.id, when))),
        sql``,
        sql`on conflict (idempotency_key) do nothing`,
      ],
    ];
    // (Messages and events are never empty: each ticket has its own.)
    const parts = dependents
      .filter(([, , rows]) => rows.length > 0)
      .map(([name, table, rows, where, tail]) => {
        const r = jsonRows(table, rows as never);
        // Messages come with their reserved ids: the identity column takes them only when told to.
        const override = table === ticketMessages ? sql`overriding system value` : sql``;
        return sql`, ${sql.raw(name)} as (insert into ${table} (${r.columns}) ${override} ${r.rows}
        where v."ticket_id" in (select id from t) ${where} order by v."ordinality" ${tail})`;
      });
    const result = await this.db.execute(sql`
      with t as (insert into ${tickets} (${ticketRows.columns}) overriding system value ${ticketRows.rows}
        order by v."ordinality" on conflict (origin_platform, origin_message_id) do nothing returning id)
      ${sql.join(parts, sql``)}
      select id from t`);
    // The rows written are those given: only which were written comes back.
    const written = new Set(rowsOf<{ id: string | number }>(result).map((r) => Number(r.id)));
    return ts.filter((t) => written.has(t.id));
  }
}
