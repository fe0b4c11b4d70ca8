import type { Platform } from '../../domain/policy.js';
import type {
  ChatDelivery,
  DeliveryFailure,
  DeliveryOutcome,
  DeliveryRequest,
  PageDmView,
} from '../../ports/chat.js';
import type { ClaimedMessage, OutboxLane, UnitOfWork } from '../../ports/store.js';
import type { AppDeps } from '../deps.js';
import { pageViews } from '../escalation/page-updates.js';
import { buildCardViews } from '../shared/card-view.js';

export interface DeliveryOptions {
  /** Messages taken per round. */
  batchSize: number;
  /** How long a worker holds a message before another replica may retry it (ms). */
  leaseMs: number;
  /** Attempts before a message is given up as dead. */
  maxAttempts: number;
  /** Cap of the exponential backoff (ms). */
  maxBackoffMs: number;
  /**
   * Calls in flight at once per round (default 16). A round of 200 card edits sent all at once
   * queued every page behind them at the platform and on the event loop; 16 keep a platform as
   * busy as 200 do, and a page of the other lane waits for 16 calls at most.
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

export interface DeliveryRound {
  claimed: number;
  sent: number;
  failed: number;
}

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

const DEFAULT_CONCURRENCY = 16;

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
 * Card views of the round's card messages, in five queries however many there are; reads only, so
 * no transaction (a card reread later shows any change).
 */
async function cardViews(
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
 * What the round's card edits and page edits must show, read concurrently with the round's other
 * sends. Each is awaited by the edits that need it; a failure is theirs (never unhandled).
 */
function editViews(deps: AppDeps, claimed: ClaimedMessage[]) {
  const cards = cardViews(deps, claimed);
  const pages = claimed.some((m) => m.body.kind === 'page_update')
    ? deps.store.withoutTransaction((uow) => pageViews(uow, claimed, deps.clock.now()))
    : Promise.resolve(new Map<string, PageDmView>());
  for (const p of [cards, pages]) p.catch(() => {});
  return { cards, pages };
}

async function attempt(
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
    inDoubt: f.message.startsWith('uncertain'),
    dead,
  });
}

/**
 * One delivery round: takes the due head message of each ordering key (pages first), delivers them
 * concurrently (a ticket's messages stay in order), and records every outcome in one transaction.
 * At-least-once towards the platform; adapters make it effectively once with the idempotency key.
 */
export async function deliverDue(
  deps: AppDeps,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  opts: DeliveryOptions = DEFAULT_DELIVERY,
  lane: OutboxLane = 'normal',
): Promise<DeliveryRound> {
  const platforms = [...deliveries.keys()];
  const t0 = performance.now();
  // One statement: a wake that finds nothing due (the usual case for the page lane) costs one query.
  const claimed = await deps.store.withoutTransaction((uow) =>
    uow.outbox.claimDue(platforms, deps.clock.now(), opts.batchSize, opts.leaseMs, lane),
  );
  if (claimed.length === 0) return { claimed: 0, sent: 0, failed: 0 };
  const t1 = performance.now();
  // Pages and replies go out at once; card and page edits first need their views built.
  const { cards, pages } = editViews(deps, claimed);
  const requests: DeliveryRequest[] = [];
  const outcomes = await inParallel(claimed, opts.concurrency ?? DEFAULT_CONCURRENCY, async (m, i) => {
    const card = m.body.kind === 'ticket_card' ? ((await cards).get(m.body.ticketId) ?? null) : null;
    const page = m.body.kind === 'page_update' ? ((await pages).get(m.body.pageKey) ?? null) : null;
    const req: DeliveryRequest = { key: m.key, body: m.body, card, page, uncertain: m.uncertain };
    requests[i] = req;
    return attempt(deps, deliveries.get(m.platform)!, req, m);
  });
  const t2 = performance.now();
  const now = deps.clock.now();
  await deps.store.transaction(async (uow) => {
    const sent: Array<{ id: number; result: Record<string, unknown> }> = [];
    const cardRefs: Array<{ id: number; messageRef: string }> = [];
    const writes: Promise<void>[] = [];
    for (const [i, m] of claimed.entries()) {
      const outcome = outcomes[i]!;
      if (!outcome.ok) {
        writes.push(recordFailure(uow, deps, m, outcome, opts, now));
        continue;
      }
      sent.push({ id: m.id, result: { ref: outcome.ref } });
      if (m.body.kind === 'ticket_card' && outcome.ref && !requests[i]!.card?.existingRef)
        cardRefs.push({ id: m.body.ticketId, messageRef: outcome.ref });
    }
    await Promise.all([uow.outbox.markSent(sent, now), uow.tickets.setCardRefs(cardRefs), ...writes]);
  });
  const sent = outcomes.filter((o) => o.ok).length;
  deps.logger.debug(
    {
      lane,
      claimed: claimed.length,
      sent,
      claimMs: Math.round(t1 - t0),
      deliverMs: Math.round(t2 - t1),
      recordMs: Math.round(performance.now() - t2),
    },
    'outbox round',
  );
  return { claimed: claimed.length, sent, failed: claimed.length - sent };
}

/** When the next message falls due (for the worker's timer). */
export function nextDeliveryAt(
  deps: AppDeps,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  lane: OutboxLane = 'normal',
): Promise<number | null> {
  return deps.store.withoutTransaction((uow) => uow.outbox.nextDueAt([...deliveries.keys()], lane));
}
