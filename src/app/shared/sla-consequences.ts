import { createHash } from 'node:crypto';
import type { ClockKind, SlaAction } from '../../domain/sla/types.js';
import { isActive } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { TicketRecord } from '../../ports/store.js';
import { humanDuration } from './card-view.js';
import { chunks, groupBy } from './grouping.js';
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

/** `#12 Enterprise P1 security — Subject`: how notices and pages name a ticket. */
export function headline(t: TicketRecord): string {
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
  const zone = t.policySnapshot.calendar.timezone;
  // A change (priority, reopen) that moved the deadline into the past breached the clock at the
  // change: say so, and never word it as if it had run out unnoticed at its earlier deadline.
  const byChange = a.at > a.dueAt;
  const why = byChange ? `: its new deadline, ${formatInstant(a.dueAt, zone, now)}, had already passed` : '';
  const out = queueNotice(
    t,
    `sla:${a.clock}:breach:${a.dueAt}`,
    `🚨 ${headline(t)}: ${label} breached${why}.`,
  );
  if (a.clock === 'next_update')
    out.push(threadReply(t, `update-missed:${a.dueAt}`, updateMissed(t, a, now)));
  return out;
}

/** The customer's note when a promised update is missed (or, after a priority change, due already). */
function updateMissed(t: TicketRecord, a: Extract<SlaAction, { type: 'breach' }>, now: number): string {
  const cadence = t.sla.clocks.next_update?.targetMs;
  if (a.at > a.dueAt && cadence !== undefined)
    return `Ticket #${t.id} is now ${t.priority}, which promises an update every ${humanDuration(cadence)}: one is due now, and the team has been alerted.`;
  const due = formatInstant(a.dueAt, t.policySnapshot.calendar.timezone, now);
  return `We owe you an update on ticket #${t.id} (it was due ${due}). The team has been alerted.`;
}

/** A breach that starts the ticket's escalation chain (one of the chain's triggering clocks). */
export interface EscalationTrigger {
  clock: ClockKind;
  /** For the `escalated` event: "first response breached". */
  reason: string;
}

/**
 * What SLA actions tell people, decided without the database: queue warnings and breach notices,
 * a note to the customer when an update is missed, and which breaches start the ticket's frozen
 * escalation chain (in the order found; only the first can start one, a ticket has one at a time).
 */
export function slaNotices(
  t: TicketRecord,
  actions: SlaAction[],
  now: number,
): { messages: OutboundMessage[]; triggers: EscalationTrigger[] } {
  const messages: OutboundMessage[] = [];
  const triggers: EscalationTrigger[] = [];
  // A tick that runs late (downtime, the sandbox's fast-forward) finds several thresholds passed at
  // once: the queue hears only the latest of them, and no warning for a deadline already gone.
  const latestWarning = new Map<ClockKind, number>();
  for (const a of actions)
    if (a.type === 'warning')
      latestWarning.set(a.clock, Math.max(a.fraction, latestWarning.get(a.clock) ?? 0));
  for (const a of actions) {
    const stale = a.type === 'warning' && (a.dueAt <= now || a.fraction < latestWarning.get(a.clock)!);
    if (!stale) messages.push(...messagesFor(t, a, now));
    if (a.type === 'breach' && isActive(t.status) && t.policySnapshot.chain.triggers.includes(a.clock))
      triggers.push({ clock: a.clock, reason: `${LABEL[a.clock]} breached` });
  }
  return { messages, triggers };
}

/** Keys of the queue notices "… breached" (see messagesFor). */
const BREACH_NOTICE = /^ticket:\d+:sla:[a-z_]+:breach:/;

/**
 * A ticket's SLA notices once a page went out for it with a mention in its queue: that mention
 * says the clock breached, so the separate breach notice would repeat it.
 */
export function withoutBreachNotices(messages: OutboundMessage[]): OutboundMessage[] {
  return messages.filter((m) => !BREACH_NOTICE.test(m.key));
}

/** Keys of the SLA notices a ticket's queue hears (warnings and breaches): `ticket:12:sla:…`. */
const SLA_QUEUE_NOTICE = /^ticket:\d+:sla:/;
type ChannelMessage = Extract<OutboundMessage['body'], { kind: 'channel_message' }>;
const channelOf = (m: OutboundMessage) => (m.body as ChannelMessage).channelId;
const textOf = (m: OutboundMessage) => (m.body as ChannelMessage).text;

/** Lines in one shared notice: ten stay within Discord's 2,000 characters. */
const NOTICES_PER_MESSAGE = 10;

/**
 * The SLA notices of one batch (a tick's warnings and breaches) to the same queue channel, as one
 * message per ten instead of one each: in a flood the queue would otherwise get a message per
 * ticket, at Slack's one message a second per channel. A notice alone stays as it was. The shared
 * message's key is a digest of the keys it replaces, which are unique for all time.
 */
export function shareQueueNotices<E extends { ticketId: number; messages: OutboundMessage[] }>(
  entries: E[],
): { entries: E[]; shared: OutboundMessage[] } {
  const notices = entries.flatMap((e) =>
    e.messages.filter(
      (m) => m.body.kind === 'channel_message' && !m.body.inCardThread && SLA_QUEUE_NOTICE.test(m.key),
    ),
  );
  const moved = new Set<OutboundMessage>();
  const shared: OutboundMessage[] = [];
  for (const group of groupBy(notices, (m) => `${m.platform}:${channelOf(m)}`)) {
    if (group.length < 2) continue;
    for (const [i, chunk] of chunks(group, NOTICES_PER_MESSAGE).entries()) {
      // A lone last notice of a big group goes out as itself.
      if (chunk.length === 1 && i > 0) continue;
      for (const m of chunk) moved.add(m);
      const digest = createHash('sha256')
        .update(chunk.map((m) => m.key).join('\n'))
        .digest('hex')
        .slice(0, 32);
      const key = `sla-notices:${digest}`;
      shared.push({
        key,
        platform: chunk[0]!.platform,
        orderingKey: key,
        body: {
          kind: 'channel_message',
          channelId: channelOf(chunk[0]!),
          text: [`🕒 ${chunk.length} SLA notices:`, ...chunk.map(textOf)].join('\n'),
          mentions: [],
          ticketId: null,
          inCardThread: false,
        },
      });
    }
  }
  return {
    entries: entries.map((e) => ({ ...e, messages: e.messages.filter((m) => !moved.has(m)) })),
    shared,
  };
}
