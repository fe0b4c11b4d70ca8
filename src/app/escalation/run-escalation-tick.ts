import { evaluateEscalation, startEscalation, stopEscalation } from '../../domain/escalation/evaluate.js';
import type { EscalationAction, EscalationState } from '../../domain/escalation/types.js';
import { isOpen, nextOpenInstant } from '../../domain/sla/calendar.js';
import type { ClockKind } from '../../domain/sla/types.js';
import { isActive, type TicketEvent } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { EscalationRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';
import type { AppDeps } from '../deps.js';
import { queueNotice } from '../shared/sla-consequences.js';
import { cardMessage } from '../shared/ticket-change.js';
import { bookFor, type RecipientBook, type RecipientBooks } from './escalation-recipients.js';
import { type PageIntent, pageEntries, pageMessageRecords } from './page-messages.js';

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
function decide(t: TicketRecord, state: EscalationState, now: number, book: RecipientBook) {
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
function stepOutputs(
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

/** Evaluates one escalation of an active ticket and saves its new state; returns what it led to. */
async function evaluateEscalationStep(
  uow: UnitOfWork,
  e: EscalationRecord,
  t: TicketRecord,
  now: number,
  books: RecipientBooks,
): Promise<EscalationStep> {
  const book = await bookFor(uow, t.policySnapshot.chain, now, books);
  const d = decide(t, e.state, now, book);
  await uow.escalations.save(e.id, d.state, now);
  return stepOutputs(t, e, d.actions, book);
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
 * Evaluates one escalation: stops it if its ticket is no longer active, otherwise saves its new
 * state and returns the ticket and step (null when nothing happened).
 */
async function stepEscalation(
  uow: UnitOfWork,
  e: EscalationRecord,
  now: number,
  books: RecipientBooks,
): Promise<{ e: EscalationRecord; ticket: TicketRecord; step: EscalationStep } | null> {
  const t = await uow.tickets.get(e.ticketId);
  if (!t || !isActive(t.status)) {
    if (e.state.status === 'active') await uow.escalations.save(e.id, stopEscalation(e.state, now), now);
    return null;
  }
  const step = await evaluateEscalationStep(uow, e, t, now, books);
  return step.events.length > 0 ? { e, ticket: t, step } : null;
}

/**
 * One batch of the escalation tick: due escalations (locked, SKIP LOCKED), evaluated against the
 * chain frozen on their ticket; pages become outbox messages in the same transaction, so a crash
 * never loses or doubles one. The batch's pages to one person share a message (pageEntries).
 * Returns how many escalations it looked at.
 */
export async function runEscalationTick(
  deps: AppDeps,
  now: number,
  limit = 100,
  books: RecipientBooks = new Map(),
): Promise<number> {
  return deps.store.transaction(async (uow) => {
    const due = await uow.escalations.claimDue(now, limit);
    // Independent escalations run concurrently, so their queries pipeline on the connection.
    const stepped = (await Promise.all(due.map((e) => stepEscalation(uow, e, now, books)))).filter(
      (s) => s !== null,
    );
    if (stepped.length === 0) return due.length;
    // The ticket row is only read: use cases lock ticket then escalation, so locking the ticket here
    // (after the escalation) could deadlock, and writing it could undo a concurrent claim. The card is
    // rendered from the ticket as it is at delivery, so a refresh needs no ticket change.
    const pages = pageEntries(
      stepped.flatMap((s) => s.step.pages),
      now,
    );
    await Promise.all([
      uow.events.appendMany(
        stepped.map(({ ticket, step }) => ({ ticketId: ticket.id, events: step.events, actorId: null })),
        now,
      ),
      uow.outbox.enqueueMany(
        [
          ...stepped.map(({ e, ticket, step }) => ({
            ticketId: ticket.id,
            messages: [...step.messages, ...cardMessage(ticket, `esc:${e.id}:${now}`)],
          })),
          ...pages,
        ],
        now,
      ),
      uow.escalations.recordPageMessages(pageMessageRecords(pages)),
    ]);
    return due.length;
  });
}
