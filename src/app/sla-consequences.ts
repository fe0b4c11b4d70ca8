import { startEscalation } from '../domain/escalation/evaluate.js';
import type { ClockKind, SlaAction } from '../domain/sla/types.js';
import { isActive, type TicketEvent } from '../domain/ticket.js';
import type { OutboundMessage } from '../ports/outbound.js';
import type { EscalationRecord, TicketRecord, UnitOfWork } from '../ports/store.js';
import { humanDuration } from './card-view.js';
import { threadReply } from './outbound.js';
import { formatInstant } from './wording.js';

const LABEL: Record<ClockKind, string> = {
  first_response: 'first response',
  next_update: 'next update',
  resolution: 'resolution',
};

/** A notice in the ticket's queue channel (on the card's platform). */
export function queueNotice(
  t: TicketRecord,
  key: string,
  text: string,
  mentions: string[] = [],
): OutboundMessage[] {
  if (!t.card) return [];
  return [
    {
      key: `ticket:${t.id}:${key}`,
      platform: t.card.platform,
      orderingKey: `ticket:${t.id}`,
      body: {
        kind: 'channel_message',
        channelId: t.card.channelId,
        text,
        mentions,
        ticketId: t.id,
        inCardThread: false,
      },
    },
  ];
}

function headline(t: TicketRecord): string {
  return `#${t.id} ${t.policySnapshot.tierLabel} ${t.priority} ${t.domain} — ${t.subject}`;
}

function messagesFor(t: TicketRecord, a: SlaAction, now: number): OutboundMessage[] {
  const label = LABEL[a.clock];
  if (a.type === 'warning') {
    const left = humanDuration(a.dueAt - now);
    return queueNotice(
      t,
      `sla:${a.clock}:warn:${a.fraction}:${a.dueAt}`,
      `⚠️ ${headline(t)}: ${label} due in ${left} (${Math.round(a.fraction * 100)}% of the target used).`,
    );
  }
  if (a.type !== 'breach') return [];
  const out = queueNotice(t, `sla:${a.clock}:breach:${a.dueAt}`, `🚨 ${headline(t)}: ${label} breached.`);
  if (a.clock === 'next_update')
    out.push(
      threadReply(
        t,
        `update-missed:${a.dueAt}`,
        `We owe you an update on ticket #${t.id} (it was due ${formatInstant(a.dueAt, t.policySnapshot.calendar.timezone, now)}). The team has been alerted.`,
      ),
    );
  return out;
}

/**
 * What SLA actions lead to, wherever they were found (the SLA tick, or an input such as a priority
 * change): timeline events, queue warnings and breach notices, a note to the customer when an
 * update is missed, and the start of the ticket's frozen escalation chain when a triggering clock
 * breaches. Runs inside the caller's transaction.
 */
export async function slaConsequences(
  uow: UnitOfWork,
  t: TicketRecord,
  actions: SlaAction[],
  now: number,
): Promise<{ events: TicketEvent[]; messages: OutboundMessage[]; started: EscalationRecord[] }> {
  const started: EscalationRecord[] = [];
  const events: TicketEvent[] = [];
  const messages: OutboundMessage[] = [];
  // A tick that runs late (downtime, the sandbox's fast-forward) finds several thresholds passed at
  // once: the queue hears only the latest of them, and no warning for a deadline already gone.
  const latestWarning = new Map<ClockKind, number>();
  for (const a of actions)
    if (a.type === 'warning')
      latestWarning.set(a.clock, Math.max(a.fraction, latestWarning.get(a.clock) ?? 0));
  for (const a of actions) {
    const stale = a.type === 'warning' && (a.dueAt <= now || a.fraction < latestWarning.get(a.clock)!);
    if (!stale) messages.push(...messagesFor(t, a, now));
    if (a.type !== 'breach' || !isActive(t.status) || !t.policySnapshot.chain.triggers.includes(a.clock))
      continue;
    const esc = await uow.escalations.start(t.id, startEscalation(a.clock, now), now);
    if (!esc) continue;
    started.push(esc);
    events.push({ type: 'escalated', reason: `${LABEL[a.clock]} breached`, manual: false });
  }
  return { events, messages, started };
}
