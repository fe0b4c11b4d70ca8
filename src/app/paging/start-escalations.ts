import { evaluateEscalation, startEscalation } from '../../domain/escalation/evaluate.js';
import type { EscalationAction, EscalationState } from '../../domain/escalation/types.js';
import { isOpen, nextOpenInstant } from '../../domain/sla/calendar.js';
import type { ClockKind } from '../../domain/sla/types.js';
import type { TicketEvent } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { EscalationRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';
import { queueNotice } from '../shared/sla-consequences.js';
import { bookFor, type RecipientBook, type RecipientBooks } from './escalation-recipients.js';
import type { PageIntent } from './page-messages.js';

/*
 * Starting escalations and deciding a step, apart from the escalation tick: a breach found by the SLA
 * tick or by a change to a ticket (a priority change) starts its chain and pages in the same
 * transaction. This module imports no use case, so the ticket change can use it without a cycle.
 */

function eventOf(a: EscalationAction): TicketEvent {
  switch (a.type) {
    case 'page':
      return {
        type: 'page_sent',
        level: a.level,
        levelName: a.levelName,
        attempt: a.attempt,
        recipients: a.recipients.map((r) => r.person),
      };
    case 'deferred':
      return { type: 'escalation_deferred', level: a.level, until: a.until, reason: a.reason };
    case 'exhausted':
      return { type: 'escalation_exhausted' };
    case 'no_recipient':
      return { type: 'escalation_no_recipient', level: a.level, reason: a.reason };
  }
}

export interface EscalationStep {
  events: TicketEvent[];
  /** The pages decided; their messages are built for the whole batch (pageEntries). */
  pages: PageIntent[];
  /** Other notices (the chain ran out); no card refresh (the caller adds one). */
  messages: OutboundMessage[];
}

/** Evaluates an escalation's state against the ticket's frozen chain; pure once the book is loaded. */
export function decide(t: TicketRecord, state: EscalationState, now: number, book: RecipientBook) {
  const snap = t.policySnapshot;
  return evaluateEscalation(
    {
      chain: snap.chain,
      entitlements: snap.entitlements,
      calendar: snap.calendar,
      isCalendarOpen: (ms) => isOpen(snap.calendar, ms),
      nextCalendarOpen: (ms) => nextOpenInstant(snap.calendar, ms),
      resolveRecipients: (target, at) => book.resolve(target, at),
    },
    state,
    now,
  );
}

/** The events, pages and notices of a decided step of escalation `e`. */
export function stepOutputs(
  t: TicketRecord,
  e: EscalationRecord,
  actions: EscalationAction[],
  book: RecipientBook,
): EscalationStep {
  const pages: PageIntent[] = [];
  const messages: OutboundMessage[] = [];
  for (const a of actions) {
    if (a.type === 'page') pages.push({ ticket: t, escalation: e, action: a, book });
    if (a.type === 'exhausted')
      messages.push(
        ...queueNotice(
          t,
          `esc:${e.id}:exhausted`,
          `⛔ #${t.id}: the escalation chain ran out without an acknowledgement.`,
        ),
      );
  }
  return { events: actions.map(eventOf), pages, messages };
}

/**
 * Starts the escalation of each active ticket given (at most one each) and takes its first step at
 * once: the first step is evaluated before the insert, so all of them are one statement, however
 * many tickets breached together. Returns, for each ticket whose escalation started (not one that
 * already had one running), the step's events and messages; `escalated` is its first event.
 */
export async function startEscalations(
  uow: UnitOfWork,
  starts: Array<{ ticket: TicketRecord; trigger: ClockKind; reason: string }>,
  now: number,
  books: RecipientBooks,
): Promise<Map<number, EscalationStep>> {
  const firsts = await Promise.all(
    starts.map(async (s) => {
      const book = await bookFor(uow, s.ticket.policySnapshot.chain, now, books);
      return { ...s, book, d: decide(s.ticket, startEscalation(s.trigger, now), now, book) };
    }),
  );
  const started = await uow.escalations.startMany(
    firsts.map((f) => ({ ticketId: f.ticket.id, state: f.d.state })),
    now,
  );
  const out = new Map<number, EscalationStep>();
  for (const f of firsts) {
    const e = started.get(f.ticket.id);
    if (!e) continue;
    const step = stepOutputs(f.ticket, e, f.d.actions, f.book);
    out.set(f.ticket.id, {
      ...step,
      events: [{ type: 'escalated', reason: f.reason, manual: false }, ...step.events],
    });
  }
  return out;
}

/**
 * True when one of the step's pages mentions the ticket's queue: that mention says the clock
 * breached, so the queue needs no separate breach notice.
 */
export function pagesTellQueue(t: TicketRecord, step: EscalationStep | undefined): boolean {
  return t.card !== null && (step?.pages ?? []).some((p) => p.action.notifyQueue);
}
