import { evaluateEscalation, startEscalation, stopEscalation } from '../domain/escalation/evaluate.js';
import type { EscalationAction, EscalationState } from '../domain/escalation/types.js';
import { isOpen, nextOpenInstant } from '../domain/sla/calendar.js';
import type { ClockKind } from '../domain/sla/types.js';
import { isActive, type TicketEvent } from '../domain/ticket.js';
import type { OutboundMessage } from '../ports/outbound.js';
import type { EscalationRecord, TicketRecord, UnitOfWork } from '../ports/store.js';
import { clockLine } from './card-view.js';
import type { AppDeps } from './deps.js';
import { bookFor, type RecipientBook, type RecipientBooks } from './escalation-recipients.js';
import { queueNotice } from './sla-consequences.js';
import { cardMessage } from './ticket-change.js';

function pageText(t: TicketRecord, a: Extract<EscalationAction, { type: 'page' }>, now: number): string {
  const sla = (['first_response', 'next_update', 'resolution'] as const)
    .map((k) => clockLine(t, k, now))
    .filter((c) => c && c.state === 'breached')
    .map((c) => c!.text)
    .join(', ');
  const attempt = a.attempt > 1 ? ` (page ${a.attempt})` : '';
  return `🚨 Page for ${a.levelName}${attempt}: #${t.id} ${t.policySnapshot.tierLabel} ${t.priority} ${t.domain} — ${t.subject}. ${sla || 'Escalated'}. Acknowledge with the button or /ticket ack #${t.id}.`;
}

/** Outbox messages of one page: a DM to each recipient (with Acknowledge) and a mention in the queue. */
function pageMessages(
  t: TicketRecord,
  e: EscalationRecord,
  a: Extract<EscalationAction, { type: 'page' }>,
  book: RecipientBook,
  now: number,
) {
  const prefer = t.card?.platform ?? t.origin.platform;
  const base = `esc:${e.id}:l${a.level}:a${a.attempt}`;
  const text = pageText(t, a, now);
  const out: OutboundMessage[] = [];
  const mentions: string[] = [];
  for (const r of a.recipients) {
    const account = book.accounts(r.person, prefer)[0];
    if (!account) continue;
    if (account.platform === prefer) mentions.push(account.userId);
    out.push({
      key: `${base}:dm:${r.person}`,
      platform: account.platform,
      // Pages are urgent: they wait neither for other tickets' pages nor for this ticket's channel
      // notices and card edits (another channel); only repeats of one page to one person keep order.
      orderingKey: `page:${r.person}:${t.id}`,
      priority: 'urgent',
      body: {
        kind: 'direct_message',
        userId: account.userId,
        text,
        ticketId: t.id,
        actions: ['acknowledge'],
      },
    });
  }
  if (a.notifyQueue) out.push(...queueNotice(t, `${base}:queue`, text, mentions));
  return out;
}

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
  /** Pages (DMs), queue mentions and notices; no card refresh (the caller adds one). */
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

/** The events and messages of a decided step of escalation `e`. */
function stepOutputs(
  t: TicketRecord,
  e: EscalationRecord,
  actions: EscalationAction[],
  book: RecipientBook,
  now: number,
): EscalationStep {
  const messages = actions.flatMap((a) =>
    a.type === 'page'
      ? pageMessages(t, e, a, book, now)
      : a.type === 'exhausted'
        ? queueNotice(
            t,
            `esc:${e.id}:exhausted`,
            `⛔ #${t.id}: the escalation chain ran out without an acknowledgement.`,
          )
        : [],
  );
  return { events: actions.map(eventOf), messages };
}

/**
 * Evaluates one escalation of an active ticket and saves its new state; returns the events and
 * messages its actions lead to, for the caller to write with its own (one insert each).
 */
export async function evaluateEscalationStep(
  uow: UnitOfWork,
  e: EscalationRecord,
  t: TicketRecord,
  now: number,
  books: RecipientBooks,
): Promise<EscalationStep> {
  const book = await bookFor(uow, t.policySnapshot.chain, now, books);
  const d = decide(t, e.state, now, book);
  await uow.escalations.save(e.id, d.state, now);
  return stepOutputs(t, e, d.actions, book, now);
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
    const step = stepOutputs(f.ticket, e, f.d.actions, f.book, now);
    out.set(f.ticket.id, {
      events: [{ type: 'escalated', reason: f.reason, manual: false }, ...step.events],
      messages: step.messages,
    });
  }
  return out;
}

/** Evaluates one escalation and carries out its actions, in the caller's transaction. */
export async function stepEscalation(
  uow: UnitOfWork,
  e: EscalationRecord,
  now: number,
  books: RecipientBooks,
): Promise<void> {
  const t = await uow.tickets.get(e.ticketId);
  if (!t || !isActive(t.status)) {
    if (e.state.status === 'active') await uow.escalations.save(e.id, stopEscalation(e.state, now), now);
    return;
  }
  const step = await evaluateEscalationStep(uow, e, t, now, books);
  if (step.events.length === 0) return;
  await uow.events.append(t.id, step.events, now, null);
  // The ticket row is only read: use cases lock ticket then escalation, so locking the ticket here
  // (after the escalation) could deadlock, and writing it could undo a concurrent claim. The card is
  // rendered from the ticket as it is at delivery, so a refresh needs no ticket change.
  await uow.outbox.enqueue([...step.messages, ...cardMessage(t, `esc:${e.id}:${now}`)], t.id, now);
}

/**
 * One batch of the escalation tick: due escalations (locked, SKIP LOCKED), evaluated against the
 * chain frozen on their ticket; pages become outbox messages in the same transaction, so a crash
 * never loses or doubles one. Returns how many escalations it looked at.
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
    await Promise.all(due.map((e) => stepEscalation(uow, e, now, books)));
    return due.length;
  });
}
