import type { Platform } from '../../domain/policy.js';
import type {
  ChatDelivery,
  DeliveryFailure,
  DeliveryOutcome,
  DeliveryRequest,
  PageDmView,
} from '../../ports/chat.js';
import type { ClaimedMessage, ClaimSpread, OutboxLane, UnitOfWork } from '../../ports/store.js';
import type { AppDeps } from '../deps.js';
import { pageViews } from '../paging/page-updates.js';
import { buildCardViews } from '../shared/card-view.js';

export interface DeliveryOptions {
  /** Messages taken per claim, over all destinations. */
  batchSize: number;
  /**
   * How long a worker holds a message before another replica may retry it (ms), beyond the wait
   * for its destination's pace (the claim adds that); it must outlive an adapter's call.
   */
  leaseMs: number;
  /** Attempts before a message is given up as dead. */
  maxAttempts: number;
  /** Cap of the exponential backoff (ms). */
  maxBackoffMs: number;
  /**
   * Calls in flight at once per lane (default 16), counted once a call's pace let it go. A round of
   * 200 card edits sent all at once queued every page behind them at the platform and on the event
   * loop; 16 keep a platform as busy as 200 do, and a page of the other lane waits for 16 at most.
   */
  concurrency?: number;
}

/** The lease outlives the adapters' call timeout (10 s), so a live worker never loses its message. */
export const DEFAULT_DELIVERY: DeliveryOptions = {
  batchSize: 200,
  leaseMs: 15_000,
  maxAttempts: 12,
  maxBackoffMs: 10 * 60_000,
};

/** Exponential backoff with ±20% jitter (1 s, 2 s, 4 s … capped); a platform's Retry-After wins. */
export function retryDelay(
  attempts: number,
  failure: DeliveryFailure,
  opts: DeliveryOptions,
  random = Math.random,
): number {
  if (failure.kind === 'rate_limited') return Math.max(failure.retryAfterMs, 1000);
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), opts.maxBackoffMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const DEFAULT_CONCURRENCY = 16;

/** `fn` over `items` with at most `limit` calls running at once; results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Card views of a claim's card messages, in five queries however many there are; reads only, so
 * no transaction (a card reread later shows any change).
 */
export async function cardViews(
  deps: AppDeps,
  claimed: ClaimedMessage[],
): Promise<Map<number, DeliveryRequest['card']>> {
  const ids = [...new Set(claimed.flatMap((m) => (m.body.kind === 'ticket_card' ? [m.body.ticketId] : [])))];
  if (ids.length === 0) return new Map();
  return deps.store.withoutTransaction(async (uow) => {
    const tickets = await uow.tickets.getMany(ids);
    const views = await buildCardViews(uow, [...tickets.values()], deps.clock.now());
    return new Map(
      ids.map((id) => {
        const t = tickets.get(id);
        return [id, t ? { view: views.get(id)!, existingRef: t.card?.messageRef ?? null } : null];
      }),
    );
  });
}

/**
 * What a claim's card edits and page edits must show, read concurrently with its other sends.
 * Each is awaited by the edits that need it; a failure is theirs (never unhandled).
 */
export function editViews(deps: AppDeps, claimed: ClaimedMessage[]): EditViews {
  const cards = cardViews(deps, claimed);
  const pages = claimed.some((m) => m.body.kind === 'page_update')
    ? deps.store.withoutTransaction((uow) => pageViews(uow, claimed, deps.clock.now()))
    : Promise.resolve(new Map<string, PageDmView>());
  for (const p of [cards, pages]) p.catch(() => {});
  return { cards, pages };
}

export interface EditViews {
  cards: Promise<Map<number, DeliveryRequest['card']>>;
  /** By the outbox key of the page DM to edit. */
  pages: Promise<Map<string, PageDmView>>;
}

/**
 * The thread of a reply queued before its ticket's thread existed (a ticket opened by a command: its
 * root message went out first, under the same ordering key, and recorded the thread on the ticket).
 */
async function pendingThread(deps: AppDeps, ticketId: number): Promise<string | null> {
  const tickets = await deps.store.withoutTransaction((uow) => uow.tickets.getMany([ticketId]));
  return tickets.get(ticketId)?.origin.threadRef ?? null;
}

/**
 * The request for a claimed message, its card view, page DM or thread filled in; null: it cannot go
 * yet (its ticket's root message is not posted: retried later, never sent to the channel instead).
 */
export async function requestFor(
  deps: AppDeps,
  m: ClaimedMessage,
  views: EditViews,
): Promise<DeliveryRequest | null> {
  const req: DeliveryRequest = {
    key: m.key,
    body: m.body,
    card: null,
    uncertain: m.uncertain,
    queuedAt: m.queuedAt,
  };
  if (m.body.kind === 'ticket_card')
    return { ...req, card: (await views.cards).get(m.body.ticketId) ?? null };
  if (m.body.kind === 'page_update') return { ...req, page: (await views.pages).get(m.body.pageKey) ?? null };
  if (m.body.kind !== 'thread_reply' || m.body.threadRef !== null) return req;
  const threadRef = await pendingThread(deps, m.body.ticketId);
  return threadRef === null ? null : { ...req, body: { ...m.body, threadRef } };
}

/** The outcome of a reply whose ticket's thread is not posted yet: retried with backoff. */
export const NO_THREAD: DeliveryOutcome = {
  ok: false,
  failure: { kind: 'transient', message: "the ticket's thread is not posted yet" },
};

export async function attempt(
  deps: AppDeps,
  delivery: ChatDelivery,
  req: DeliveryRequest,
  m: ClaimedMessage,
): Promise<DeliveryOutcome> {
  try {
    return await delivery.deliver(req);
  } catch (err) {
    // An adapter bug or a network fault mid-call: the platform may or may not have the message.
    deps.logger.error({ err, outbox: m.id, platform: m.platform }, 'delivery threw');
    return { ok: false, failure: { kind: 'transient', message: `uncertain: ${(err as Error).message}` } };
  }
}

/** Records a failed attempt: retry later with backoff, or give up (dead) when it cannot succeed. */
async function recordFailure(
  uow: UnitOfWork,
  deps: AppDeps,
  m: ClaimedMessage,
  outcome: Extract<DeliveryOutcome, { ok: false }>,
  opts: DeliveryOptions,
  now: number,
) {
  const f = outcome.failure;
  const dead = f.kind === 'permanent' || m.attempts >= opts.maxAttempts;
  if (dead)
    deps.logger.error({ outbox: m.id, key: m.key, error: f.message }, 'giving up on an outbound message');
  await uow.outbox.markFailed(m.id, {
    error: `${f.kind}: ${f.message}`,
    retryAt: now + retryDelay(m.attempts, f, opts),
    // A certain failure of this attempt says nothing of an earlier one in doubt: the doubt stays
    // until a send is recorded, or the next attempt would post without looking first.
    inDoubt: m.uncertain || f.message.startsWith('uncertain'),
    dead,
  });
}

/** What a claim takes for one destination: what its pace sends in this long. */
const HOLD_MS = 5_000;
/** What a claim takes for one destination of a platform that paces itself (discord.js). */
const UNPACED_PER_DESTINATION = 10;

/**
 * How a claim spreads over destinations: a paced destination gets what its pace sends in
 * `HOLD_MS`, its leases lengthened by its spacing per place in line.
 */
export function claimSpread(
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  opts: DeliveryOptions,
  skip: string[],
): ClaimSpread {
  const perDestination: ClaimSpread['perDestination'] = {};
  for (const [platform, d] of deliveries) {
    const perSecond = d.pace?.perSecond;
    perDestination[platform] = perSecond
      ? {
          max: Math.max(1, Math.min(opts.batchSize, Math.floor((perSecond * HOLD_MS) / 1000))),
          spacingMs: 1000 / perSecond,
        }
      : { max: Math.min(opts.batchSize, UNPACED_PER_DESTINATION), spacingMs: 0 };
  }
  return { perDestination, skip };
}

/** One statement: a wake that finds nothing due (the usual case for the page lane) costs one query. */
export function claimDue(
  deps: AppDeps,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  opts: DeliveryOptions,
  lane: OutboxLane,
  limit: number,
  skip: string[],
): Promise<ClaimedMessage[]> {
  return deps.store.withoutTransaction((uow) =>
    uow.outbox.claimDue(
      [...deliveries.keys()],
      deps.clock.now(),
      limit,
      opts.leaseMs,
      lane,
      claimSpread(deliveries, opts, skip),
    ),
  );
}

/** A claimed message's attempt, or its return unsent. */
export type Outcome =
  | { m: ClaimedMessage; req: DeliveryRequest | null; outcome: DeliveryOutcome }
  | { m: ClaimedMessage; released: true };

/**
 * Records outcomes in one transaction: sent ones in one statement, cards' first refs, failures
 * with their retry, and messages given back unsent.
 */
export async function recordOutcomes(deps: AppDeps, outcomes: Outcome[], opts: DeliveryOptions) {
  const now = deps.clock.now();
  await deps.store.transaction(async (uow) => {
    const sent: Array<{ id: number; result: Record<string, unknown> }> = [];
    const cardRefs: Array<{ id: number; messageRef: string }> = [];
    const released: ClaimedMessage[] = [];
    const threadRefs: Array<{ id: number; threadRef: string }> = [];
    const writes: Promise<void>[] = [];
    for (const o of outcomes) {
      if ('released' in o) released.push(o.m);
      else if (!o.outcome.ok) writes.push(recordFailure(uow, deps, o.m, o.outcome, opts, now));
      else {
        sent.push({ id: o.m.id, result: { ref: o.outcome.ref } });
        if (o.m.body.kind === 'ticket_card' && o.outcome.ref && !o.req?.card?.existingRef)
          cardRefs.push({ id: o.m.body.ticketId, messageRef: o.outcome.ref });
        if (o.m.body.kind === 'ticket_root' && o.outcome.ref)
          threadRefs.push({ id: o.m.body.ticketId, threadRef: o.outcome.ref });
      }
    }
    await Promise.all([
      uow.outbox.markSent(sent, now),
      uow.tickets.setCardRefs(cardRefs),
      uow.outbox.release(released),
      uow.tickets.setThreadRefs(threadRefs),
      ...writes,
    ]);
  });
}

/** When the next message falls due (for the worker's timer). */
export function nextDeliveryAt(
  deps: AppDeps,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  lane: OutboxLane = 'normal',
): Promise<number | null> {
  return deps.store.withoutTransaction((uow) => uow.outbox.nextDueAt([...deliveries.keys()], lane));
}
