import { businessMs } from '../../domain/sla/calendar.js';
import { CLOCK_KINDS, type ClockKind } from '../../domain/sla/types.js';
import type { TicketEvent } from '../../domain/ticket.js';
import type { Logger } from '../../ports/logger.js';
import type { Metrics, TicketLabels } from '../../ports/metrics.js';
import type { Store, TicketRecord } from '../../ports/store.js';
import type { AppendedEvents, Recorder } from './recorder.js';

export interface ObserveContext {
  metrics: Metrics;
  /** The store itself, not the metered one: the few reads made after commit are not observed. */
  store: Store;
  logger: Logger;
}

function labelsOf(t: TicketRecord): TicketLabels {
  return { tier: t.tier, priority: t.priority, platform: t.origin.platform };
}

/**
 * Business seconds a finished clock measured: from its start to when it was met, less its pauses,
 * on the ticket's frozen calendar — what its target is compared with. Null while it runs.
 */
function measuredSeconds(t: TicketRecord, kind: ClockKind): number | null {
  const c = t.sla.clocks[kind];
  if (!c || c.metAt === null) return null;
  return businessMs(t.policySnapshot.calendar, c.startedAt, c.metAt, c.pauses) / 1000;
}

/**
 * Wall-clock seconds from the first page of the ticket's latest escalation to its acknowledgement
 * at `ackAt`, read from the timeline; null when it paged nobody before it was acknowledged.
 */
async function firstPageDelay(store: Store, ticketId: number, ackAt: number): Promise<number | null> {
  return store.withoutTransaction(async (uow) => {
    const [latest, events] = await Promise.all([
      uow.escalations.latestFor([ticketId]),
      uow.events.list(ticketId),
    ]);
    const startedAt = latest.get(ticketId)?.state.startedAt ?? Number.NEGATIVE_INFINITY;
    const first = events.find((e) => e.event.type === 'page_sent' && e.at >= startedAt && e.at <= ackAt);
    return first ? (ackAt - first.at) / 1000 : null;
  });
}

async function observeEvent(ctx: ObserveContext, t: TicketRecord, e: TicketEvent, at: number) {
  const labels = labelsOf(t);
  const m = ctx.metrics;
  switch (e.type) {
    case 'opened':
      return m.ticketOpened(labels);
    case 'sla_met': {
      const seconds =
        e.clock === 'first_response' || e.clock === 'resolution' ? measuredSeconds(t, e.clock) : null;
      if (seconds === null) return;
      if (e.clock === 'first_response') return m.firstResponse(labels, seconds);
      // Only the first resolution: a counter cannot take back the one a reopen made obsolete.
      if (t.reopenCount === 0) return m.firstResolution(labels, seconds);
      return;
    }
    case 'sla_breached':
      if ((CLOCK_KINDS as readonly string[]).includes(e.clock))
        m.slaBreached({ ...labels, clock: e.clock as ClockKind });
      return;
    case 'page_sent':
      return m.pageSent(labels);
    case 'acknowledged':
      return m.pageAcknowledged(labels, await firstPageDelay(ctx.store, t.id, at));
    case 'escalation_exhausted':
      return m.escalationExhausted(labels);
  }
}

/** The ticket's acknowledgement, once: when this unit of work took `acknowledgedAt` from unset to set. */
function observeAcknowledgement(m: Metrics, rec: Recorder, t: TicketRecord) {
  const before = rec.before(t.id);
  if (!before || before.acknowledgedAt !== null || t.acknowledgedAt === null) return;
  if (rec.acknowledged.has(t.id)) return;
  rec.acknowledged.add(t.id);
  m.acknowledged(labelsOf(t), (t.acknowledgedAt - t.createdAt) / 1000);
}

/** The tickets the appended events belong to, as the unit of work left them (read again if it never saw one). */
async function ticketsOf(ctx: ObserveContext, rec: Recorder, appended: AppendedEvents[]) {
  const tickets = new Map<number, TicketRecord>();
  const missing: number[] = [];
  for (const { ticketId } of appended) {
    const t = rec.latest(ticketId);
    if (t) tickets.set(ticketId, t);
    else if (!missing.includes(ticketId)) missing.push(ticketId);
  }
  if (missing.length > 0) {
    const read = await ctx.store.withoutTransaction((uow) => uow.tickets.getMany(missing));
    for (const [id, t] of read) tickets.set(id, t);
  }
  return tickets;
}

/**
 * Reports what committed timeline events say to the metrics: each event once, by the process
 * that committed it. Never throws: the change has committed whatever happens here.
 */
export async function observeCommitted(
  ctx: ObserveContext,
  rec: Recorder,
  appended: AppendedEvents[],
): Promise<void> {
  if (appended.length === 0) return;
  try {
    const tickets = await ticketsOf(ctx, rec, appended);
    for (const a of appended) {
      const t = tickets.get(a.ticketId);
      if (!t) continue;
      for (const e of a.events) await observeEvent(ctx, t, e, a.at);
      observeAcknowledgement(ctx.metrics, rec, t);
    }
  } catch (err) {
    ctx.logger.warn({ err }, 'metrics: a committed change could not be observed');
  }
}
