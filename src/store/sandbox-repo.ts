import { asc, desc, eq, sql } from 'drizzle-orm';
import type {
  NewSandboxMessage,
  SandboxMessage,
  SandboxPerson,
  SandboxRepository,
  SandboxRoom,
} from '../ports/sandbox.js';
import type { Db } from './db.js';
import {
  channelLinks,
  identities,
  organizations,
  people,
  sandboxClock,
  sandboxMessages,
} from './schema/index.js';

type Row = typeof sandboxMessages.$inferSelect;

function toMessage(r: Row): SandboxMessage {
  return {
    id: r.id,
    channel: r.channel,
    threadId: r.threadId,
    author: r.author,
    text: r.text,
    payload: r.payload ?? null,
    ticketId: r.ticketId,
    createdAt: r.createdAt.getTime(),
    editedAt: r.editedAt?.getTime() ?? null,
  };
}

/** The sandbox platform's own state (its messages) and its view of the directory. */
export class SandboxStore implements SandboxRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a message once: a second insert with the same client id or outbox key returns the
   * message stored first, with `created: false`.
   */
  async insert(m: NewSandboxMessage): Promise<{ message: SandboxMessage; created: boolean }> {
    const [row] = await this.db
      .insert(sandboxMessages)
      .values({
        channel: m.channel,
        threadId: m.threadId,
        author: m.author,
        text: m.text,
        payload: m.payload,
        ticketId: m.ticketId,
        clientId: m.clientId ?? null,
        outboxKey: m.outboxKey ?? null,
        createdAt: new Date(m.createdAt),
      })
      .onConflictDoNothing()
      .returning();
    if (row) return { message: toMessage(row), created: true };
    const key = m.clientId
      ? eq(sandboxMessages.clientId, m.clientId)
      : eq(sandboxMessages.outboxKey, m.outboxKey ?? '');
    const [existing] = await this.db.select().from(sandboxMessages).where(key);
    if (!existing) throw new Error('sandbox message vanished after a conflicting insert');
    return { message: toMessage(existing), created: false };
  }

  async update(
    id: number,
    change: { text: string; payload: Record<string, unknown> | null },
    at: number,
  ): Promise<SandboxMessage | null> {
    const [row] = await this.db
      .update(sandboxMessages)
      .set({ text: change.text, payload: change.payload, editedAt: new Date(at) })
      .where(eq(sandboxMessages.id, id))
      .returning();
    return row ? toMessage(row) : null;
  }

  async get(id: number): Promise<SandboxMessage | null> {
    const [row] = await this.db.select().from(sandboxMessages).where(eq(sandboxMessages.id, id));
    return row ? toMessage(row) : null;
  }

  /** The latest `limit` messages of every channel, oldest first. */
  async recent(limit: number): Promise<SandboxMessage[]> {
    const rows = await this.db
      .select()
      .from(sandboxMessages)
      .where(
        sql`${sandboxMessages.id} in (select id from (select id, row_number() over (partition by channel order by id desc) as n from sandbox_messages) r where n <= ${limit})`,
      )
      .orderBy(asc(sandboxMessages.id));
    return rows.map(toMessage);
  }

  async latestId(): Promise<number> {
    const [row] = await this.db
      .select({ id: sandboxMessages.id })
      .from(sandboxMessages)
      .orderBy(desc(sandboxMessages.id))
      .limit(1);
    return row?.id ?? 0;
  }

  /** People with a sandbox identity, staff first. */
  async people(): Promise<SandboxPerson[]> {
    const rows = await this.db
      .select({
        id: identities.externalId,
        name: people.displayName,
        roles: people.roles,
        organization: organizations.name,
      })
      .from(identities)
      .innerJoin(people, eq(people.id, identities.personId))
      .leftJoin(organizations, eq(organizations.id, people.organizationId))
      .where(eq(identities.platform, 'sandbox'))
      .orderBy(asc(people.displayName));
    return rows.sort((a, b) => Number(a.organization !== null) - Number(b.organization !== null));
  }

  /** Customer rooms: the sandbox channels linked to an organization. */
  async rooms(): Promise<SandboxRoom[]> {
    return this.db
      .select({ id: channelLinks.channelId, organization: organizations.name, tier: organizations.tier })
      .from(channelLinks)
      .innerJoin(organizations, eq(organizations.id, channelLinks.organizationId))
      .where(eq(channelLinks.platform, 'sandbox'))
      .orderBy(asc(channelLinks.channelId));
  }

  async clockOffset(): Promise<number> {
    const [row] = await this.db.select().from(sandboxClock).where(eq(sandboxClock.id, 1));
    return row?.offsetMs ?? 0;
  }

  /** Moves the sandbox clock forward by `ms` (never back); returns the new offset. */
  async advanceClock(ms: number): Promise<number> {
    const [row] = await this.db
      .insert(sandboxClock)
      .values({ id: 1, offsetMs: ms })
      .onConflictDoUpdate({
        target: sandboxClock.id,
        set: { offsetMs: sql`${sandboxClock.offsetMs} + ${ms}` },
      })
      .returning();
    return row!.offsetMs;
  }

  async hasOrganizations(): Promise<boolean> {
    const [row] = await this.db.select({ id: organizations.id }).from(organizations).limit(1);
    return row !== undefined;
  }
}
