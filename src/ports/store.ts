import type { EscalationState } from '../domain/escalation/types.js';
import type { Platform, Role, RotationPolicy } from '../domain/policy.js';
import type { TicketEvent } from '../domain/ticket.js';
import type { AdminRepository } from './admin.js';
import type { MaintenanceRepository } from './maintenance.js';
import type { OutboundMessage } from './outbound.js';

export type * from './records.js';

import type {
  ChannelLinkRecord,
  EscalationRecord,
  IdentityRecord,
  MessageRecord,
  NewMessage,
  NewTicket,
  OrganizationRecord,
  PersonRecord,
  SkillRecord,
  SlaChange,
  StoredEvent,
  TicketRecord,
} from './records.js';

export interface TicketRepository {
  /** Inserts unless a ticket with the same origin exists; null then. */
  insert(t: NewTicket): Promise<TicketRecord | null>;
  /** Inserts many in one statement; returns those inserted (an origin already present is skipped). */
  insertMany(ts: NewTicket[]): Promise<TicketRecord[]>;
  /** `forUpdate` locks the row until the transaction ends. */
  get(id: number, opts?: { forUpdate?: boolean }): Promise<TicketRecord | null>;
  /** Several tickets in one query; ids with no ticket are absent from the map. */
  getMany(ids: number[]): Promise<Map<number, TicketRecord>>;
  findByOrigin(platform: Platform, messageId: string): Promise<TicketRecord | null>;
  findByOrigins(platform: Platform, messageIds: string[]): Promise<TicketRecord[]>;
  /** The ticket whose customer thread or card thread this is. */
  findByThread(
    platform: Platform,
    channelId: string,
    threadRef: string,
  ): Promise<{ ticket: TicketRecord; via: 'customer' | 'card' } | null>;
  /**
   * The SLA tick's write: new SLA state, next check and updatedAt for many (locked) tickets in one
   * statement, versions bumped, projection refreshed. Returns the tickets as saved, in order.
   */
  updateSla(changes: SlaChange[]): Promise<TicketRecord[]>;
  /** Writes every mutable field, bumps `version`, refreshes the SLA projection. Returns the new version. */
  update(t: TicketRecord): Promise<TicketRecord>;
  /**
   * Tickets whose SLA state must be evaluated (`sla_next_check_at <= now`), oldest first, locked;
   * rows another worker holds are skipped. Cost grows with what is due, not with open tickets.
   */
  claimSlaDue(now: number, limit: number): Promise<TicketRecord[]>;
  /** The earliest pending SLA check, for the scheduler's timer. */
  nextSlaCheckAt(): Promise<number | null>;
  /** Records where tickets' cards were posted, in one statement (not a ticket change: no version bump). */
  setCardRefs(refs: Array<{ id: number; messageRef: string }>): Promise<void>;
  /**
   * Records the threads of tickets opened by a command, once their root message is posted, in one
   * statement; a ticket that already has a thread keeps it (not a ticket change: no version bump).
   */
  setThreadRefs(refs: Array<{ id: number; threadRef: string }>): Promise<void>;
  /**
   * Open tickets assigned to each specialist of any of `domains` (people with a skill in one),
   * found in the same query, so it needs no earlier read of who they are. People with none are
   * left out.
   */
  openLoad(domains: string[]): Promise<Map<number, number>>;
}

export interface EventRepository {
  append(ticketId: number, events: TicketEvent[], at: number, actorId: number | null): Promise<void>;
  /** Several tickets' events in one statement. */
  appendMany(
    entries: Array<{ ticketId: number; events: TicketEvent[]; actorId: number | null }>,
    at: number,
  ): Promise<void>;
  list(ticketId: number): Promise<StoredEvent[]>;
}

export interface MessageRepository {
  /** Null when a message with the same platform external id exists already. */
  insert(m: NewMessage): Promise<MessageRecord | null>;
  /** Inserts many in one statement; returns those inserted. */
  insertMany(ms: NewMessage[]): Promise<MessageRecord[]>;
  findByExternal(platform: Platform, externalId: string): Promise<MessageRecord | null>;
  edit(id: number, text: string, at: number): Promise<void>;
  markDeleted(id: number, at: number): Promise<void>;
  list(ticketId: number): Promise<MessageRecord[]>;
}

export interface Specialist {
  person: PersonRecord;
  skills: SkillRecord[];
}

export interface DirectoryRepository {
  organizationById(id: number): Promise<OrganizationRecord | null>;
  /** Several organizations in one query; unknown ids are absent from the map. */
  organizationsByIds(ids: number[]): Promise<Map<number, OrganizationRecord>>;
  organizationByName(name: string): Promise<OrganizationRecord | null>;
  /**
   * The organization whose name, compared without case, is `text` or begins it followed by a space
   * (the longest such name): `org=Northwind Bank exports fail` names "Northwind Bank".
   */
  organizationNamedAtStart(text: string): Promise<OrganizationRecord | null>;
  /** The channels of an organization on a platform, oldest link first. */
  channelsOf(organizationId: number, platform: Platform): Promise<ChannelLinkRecord[]>;
  /**
   * The links of several channels with their organizations, in one query, by channel id; a channel
   * not linked (or whose organization is gone) is absent from the map.
   */
  linkedChannels(
    platform: Platform,
    channelIds: string[],
  ): Promise<Map<string, { link: ChannelLinkRecord; organization: OrganizationRecord }>>;
  personById(id: number): Promise<PersonRecord | null>;
  /** Several people in one query; unknown ids are absent from the map. */
  peopleByIds(ids: number[]): Promise<Map<number, PersonRecord>>;
  personByHandle(handle: string): Promise<PersonRecord | null>;
  /** Several people by handle, in one query; unknown handles are absent from the map. */
  peopleByHandles(handles: string[]): Promise<Map<string, PersonRecord>>;
  personByIdentity(platform: Platform, externalId: string): Promise<PersonRecord | null>;
  /** People by their platform ids, in one query; ids nobody has are absent from the map. */
  peopleByIdentities(platform: Platform, externalIds: string[]): Promise<Map<string, PersonRecord>>;
  identitiesOf(personId: number): Promise<IdentityRecord[]>;
  /** Each person's platform identities, in one query; someone with none maps to []. */
  identitiesOfPeople(personIds: number[]): Promise<Map<number, IdentityRecord[]>>;
  /** Creates a customer (and identity) seen for the first time; returns the existing one on a race. */
  ensureCustomer(input: {
    platform: Platform;
    externalId: string;
    workspaceId: string | null;
    displayName: string;
    organizationId: number;
  }): Promise<PersonRecord>;
  /** For each domain, the people with a skill in it, with all their skills; one query. */
  specialists(domains: string[]): Promise<Map<string, Specialist[]>>;
  peopleWithRole(role: Role): Promise<PersonRecord[]>;
}

/** A page DM queued in the outbox, kept with its escalation so an acknowledgement can edit it. */
export interface PageMessageRecord {
  escalationId: number;
  /** The DM's outbox key; a DM shared by several tickets' pages has one record per escalation. */
  key: string;
  platform: Platform;
  orderingKey: string;
  /** The DM's recipient, a user id on `platform`. */
  userId: string;
}

export interface EscalationRepository {
  active(ticketId: number): Promise<EscalationRecord | null>;
  /** The active escalation of each ticket that has one, in one query. */
  activeFor(ticketIds: number[]): Promise<Map<number, EscalationRecord>>;
  /** The latest escalation of each ticket that ever had one, whatever its status, in one query. */
  latestFor(ticketIds: number[]): Promise<Map<number, EscalationRecord>>;
  /** Escalations by id, in one query; unknown ids are absent from the map. */
  byIds(ids: number[]): Promise<Map<number, EscalationRecord>>;
  /** Remembers which outbox DMs carry which escalations' pages (in the transaction that queues them). */
  recordPageMessages(records: PageMessageRecord[]): Promise<void>;
  /** The page DMs of an escalation, oldest first. */
  pageMessages(escalationId: number): Promise<PageMessageRecord[]>;
  /** Null if the ticket already has an active escalation. */
  start(ticketId: number, state: EscalationState, at: number): Promise<EscalationRecord | null>;
  /**
   * Several escalations in one statement, each saved with the state given (its first step may be
   * already evaluated); a ticket that already has an active escalation is left out of the result.
   * At most one entry per ticket.
   */
  startMany(
    starts: Array<{ ticketId: number; state: EscalationState }>,
    at: number,
  ): Promise<Map<number, EscalationRecord>>;
  save(id: number, state: EscalationState, at: number): Promise<void>;
  /** Active escalations due (`next_check_at <= now`), locked, skipping rows other workers hold. */
  claimDue(now: number, limit: number): Promise<EscalationRecord[]>;
  nextCheckAt(): Promise<number | null>;
}

/** Urgent messages (pages) are delivered by a lane of their own, never behind card edits. */
export type OutboxLane = 'urgent' | 'normal';

/** An outbox message taken by a worker for one delivery attempt. */
export interface ClaimedMessage {
  id: number;
  key: string;
  platform: Platform;
  ticketId: number | null;
  body: OutboundMessage['body'];
  /** Attempts including this one. */
  attempts: number;
  /** An earlier attempt may have reached the platform. */
  uncertain: boolean;
  /** When it was queued (epoch ms): no attempt can have posted it before. */
  queuedAt: number;
  /**
   * Where it goes, as a platform's pace counts: `slack:C123` for a channel (a thread reply or a card
   * included), `slack:user:U123` for a person's direct messages.
   */
  destination: string;
  /** The worker holds it until then (epoch ms): its call must be over by then, or go back unsent. */
  leasedUntil: number;
}

/** How one claim spreads over destinations (see `ClaimedMessage.destination`). */
export interface ClaimSpread {
  /**
   * Per platform: at most `max` messages for one destination, and `spacingMs` between two calls to
   * one destination (its pace), added to the lease of each message per place in that
   * destination's line, so a lease covers the wait for the pace. Platforms left out: no limit.
   */
  perDestination: Partial<Record<Platform, { max: number; spacingMs: number }>>;
  /** Destinations left out: the worker still holds messages for them. */
  skip: string[];
}

export interface OutboxRepository {
  /** Enqueues; a key already present is skipped (idempotent). */
  enqueue(messages: OutboundMessage[], ticketId: number | null, at: number): Promise<void>;
  /** Several tickets' messages, with at most two statements whatever their number. */
  enqueueMany(
    entries: Array<{ messages: OutboundMessage[]; ticketId: number | null }>,
    at: number,
  ): Promise<void>;
  /**
   * Takes up to `limit` due messages for a lease of `leaseMs`: only the oldest pending message of
   * each ordering key (so a ticket's messages go out in order), skipping rows other workers hold;
   * with `spread`, at most so many per destination, oldest first, each destination on its own.
   */
  claimDue(
    platforms: Platform[],
    now: number,
    limit: number,
    leaseMs: number,
    lane: OutboxLane,
    spread?: ClaimSpread,
  ): Promise<ClaimedMessage[]>;
  /**
   * Messages already delivered, by key, with what the platform calls them (`ref`, null when the
   * delivery posted nothing); keys of messages not sent (pending, dead, unknown) are absent.
   */
  sentByKeys(keys: string[]): Promise<Map<string, { body: OutboundMessage['body']; ref: string | null }>>;
  /**
   * Gives back claimed messages that were not sent (no attempt counted, doubt as before the claim);
   * a message whose lease ran out (another worker may hold it now) is left alone.
   */
  release(messages: Array<Pick<ClaimedMessage, 'id' | 'uncertain' | 'leasedUntil'>>): Promise<void>;
  /** Marks delivered messages sent, all in one statement (the successes written together). */
  markSent(sent: Array<{ id: number; result: Record<string, unknown> }>, at: number): Promise<void>;
  /** Schedules another attempt at `retryAt`, or gives up (`dead`) after too many. */
  markFailed(
    id: number,
    f: { error: string; retryAt: number; inDoubt: boolean; dead: boolean },
  ): Promise<void>;
  /**
   * Earliest next attempt among the messages a claim could take (the head of each ordering key),
   * or the end of its lease if one is held; for the worker's timer; null when none.
   */
  nextDueAt(platforms: Platform[], lane: OutboxLane): Promise<number | null>;
  /**
   * What waits to be delivered, per platform: messages pending (not sent, not given up), and when
   * the oldest of them was queued (epoch ms). Platforms with nothing pending are absent.
   */
  backlog(): Promise<Array<{ platform: Platform; pending: number; oldestQueuedAt: number }>>;
}

/** A platform event accepted (and acknowledged to the platform) but perhaps not yet handled. */
export interface InboundEvent {
  platform: Platform;
  /** The platform's id for the event (Slack: `event_id`); a retry carries the same id. */
  eventId: string;
  /** The event as the platform sent it (JSON text). */
  body: string;
  /** Slack's `X-Slack-Retry-Num` / `-Reason` when the event is a retry; null otherwise. */
  retryNum: number | null;
  retryReason: string | null;
}

export interface InboxRepository {
  /**
   * Records accepted events, each claimed by the caller until `claimedUntil` (ms); a retry or
   * replay of a recorded event is not recorded again.
   */
  acceptMany(events: InboundEvent[], at: number, claimedUntil: number): Promise<void>;
  /**
   * Marks events handled (recorded or not yet): their bodies are dropped, their ids kept to
   * recognise late retries.
   */
  handled(platform: Platform, eventIds: string[], at: number): Promise<void>;
  /**
   * Takes over, oldest first, up to `limit` unhandled events whose claim ran out before `at` (the
   * replica handling them stopped), if taken over fewer than `maxTakeovers` times before; claims
   * them until `claimedUntil`. Several replicas may call it at once (SKIP LOCKED).
   */
  takeOverAbandoned(
    platform: Platform,
    at: number,
    claimedUntil: number,
    limit: number,
    maxTakeovers: number,
  ): Promise<InboundEvent[]>;
  /** Deletes up to `limit` events handled before `before` (ms); returns how many. */
  pruneHandled(before: number, limit: number): Promise<number>;
}

export interface RotationRepository {
  all(): Promise<RotationPolicy[]>;
  overrides(rotation: string, at: number): Promise<Array<{ person: string; from: number; to: number }>>;
}

/** A ticket about to open, with everything that hangs off it, written together by `IntakeRepository.open`. */
export interface OpeningTicket {
  /** The ticket, under its reserved number (`version` 1). */
  ticket: TicketRecord;
  /** The customer's message, under its reserved id. */
  message: NewMessage & { id: number };
  /** Its first timeline events, by `actorId`. */
  events: TicketEvent[];
  actorId: number | null;
  /** Its first outbound messages (the reply to the customer, the card). */
  outbox: OutboundMessage[];
}

/**
 * The intake's write path: a batch of tickets and all that hangs off them in one statement, so a
 * flood of customer messages costs a round trip or two per batch rather than one per table.
 */
export interface IntakeRepository {
  /**
   * Ticket numbers and message ids for `n` tickets about to open, taken from the tables' own
   * sequences (a number left unused is a gap, as after a rolled-back insert).
   */
  reserveIds(n: number): Promise<Array<{ ticketId: number; messageId: number }>>;
  /**
   * Writes the tickets, their SLA clocks, messages, events and outbox rows in one statement (so,
   * without a transaction around it, all or nothing). A ticket whose origin message already opened
   * one (a retry racing its original) is skipped with everything of its own. Returns the tickets
   * written.
   */
  open(entries: OpeningTicket[], at: number): Promise<TicketRecord[]>;
}

/** Repositories bound to one transaction (or, in `Store.withoutTransaction`, to none). */
export interface UnitOfWork {
  intake: IntakeRepository;
  tickets: TicketRepository;
  events: EventRepository;
  messages: MessageRepository;
  directory: DirectoryRepository;
  escalations: EscalationRepository;
  outbox: OutboxRepository;
  inbox: InboxRepository;
  rotations: RotationRepository;
  admin: AdminRepository;
  maintenance: MaintenanceRepository;
}

export interface Store {
  /** Runs `fn` in one database transaction; everything it writes commits or nothing does. */
  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with each statement committing on its own: for reads, and for work whose writes are
   * one statement (which is atomic by itself) or idempotent. Saves the BEGIN and COMMIT round trips.
   */
  withoutTransaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T>;
}
