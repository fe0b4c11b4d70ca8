import { and, asc, eq, sql } from 'drizzle-orm';
import type { Platform } from '../domain/policy.js';
import type { TicketEvent } from '../domain/ticket.js';
import type {
  EventRepository,
  MessageRecord,
  MessageRepository,
  NewMessage,
  StoredEvent,
} from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { ticketEvents, ticketMessages } from './schema/index.js';
import { insertJson } from './sql.js';
import { toMs } from './time.js';

/** The ticket_events rows of several tickets' events, all at `at`. */
export function eventRows(
  entries: Array<{ ticketId: number; events: TicketEvent[]; actorId: number | null }>,
  at: number,
): Array<typeof ticketEvents.$inferInsert> {
  const when = new Date(at);
  return entries.flatMap(({ ticketId, events, actorId }) =>
    events.map(({ type, ...data }) => ({ ticketId, type, at: when, actorId, data })),
  );
}

/** The ticket_messages row of a message; `id` when it was reserved beforehand. */
export function messageRow(m: NewMessage & { id?: number }): typeof ticketMessages.$inferInsert {
  return { ...m, createdAt: new Date(m.createdAt) };
}

export class DrizzleEventRepository implements EventRepository {
  constructor(private readonly db: DbOrTx) {}

  append(ticketId: number, events: TicketEvent[], at: number, actorId: number | null): Promise<void> {
    return this.appendMany([{ ticketId, events, actorId }], at);
  }

  async appendMany(
    entries: Array<{ ticketId: number; events: TicketEvent[]; actorId: number | null }>,
    at: number,
  ): Promise<void> {
    await insertJson(this.db, ticketEvents, eventRows(entries, at));
  }

  async list(ticketId: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .select()
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticketId))
      .orderBy(asc(ticketEvents.id));
    return rows.map((r) => ({
      id: r.id,
      ticketId: r.ticketId,
      at: r.at.getTime(),
      actorId: r.actorId,
      event: { type: r.type, ...r.data } as TicketEvent,
    }));
  }
}

type MessageRow = typeof ticketMessages.$inferSelect;

function messageFromRow(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    ticketId: r.ticketId,
    platform: r.platform as Platform,
    externalId: r.externalId,
    authorId: r.authorId,
    authorKind: r.authorKind as MessageRecord['authorKind'],
    visibility: r.visibility as MessageRecord['visibility'],
    text: r.text,
    createdAt: r.createdAt.getTime(),
    editedAt: toMs(r.editedAt),
    deletedAt: toMs(r.deletedAt),
  };
}

export class DrizzleMessageRepository implements MessageRepository {
  constructor(private readonly db: DbOrTx) {}

  async insert(m: NewMessage): Promise<MessageRecord | null> {
    return (await this.insertMany([m]))[0] ?? null;
  }

  async insertMany(ms: NewMessage[]): Promise<MessageRecord[]> {
    if (ms.length === 0) return [];
    const rows = await insertJson(this.db, ticketMessages, ms.map(messageRow), {
      tail: sql`on conflict do nothing`,
      returning: true,
    });
    return rows.map(messageFromRow);
  }

  async findByExternal(platform: Platform, externalId: string): Promise<MessageRecord | null> {
    const rows = await this.db
      .select()
      .from(ticketMessages)
      .where(and(eq(ticketMessages.platform, platform), eq(ticketMessages.externalId, externalId)));
    return rows[0] ? messageFromRow(rows[0]) : null;
  }

  async edit(id: number, text: string, at: number): Promise<void> {
    await this.db
      .update(ticketMessages)
      .set({ text, editedAt: new Date(at) })
      .where(eq(ticketMessages.id, id));
  }

  async markDeleted(id: number, at: number): Promise<void> {
    await this.db
      .update(ticketMessages)
      .set({ deletedAt: new Date(at) })
      .where(eq(ticketMessages.id, id));
  }

  async list(ticketId: number): Promise<MessageRecord[]> {
    const rows = await this.db
      .select()
      .from(ticketMessages)
      .where(eq(ticketMessages.ticketId, ticketId))
      .orderBy(asc(ticketMessages.id));
    return rows.map(messageFromRow);
  }
}
