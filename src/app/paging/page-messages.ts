import type { EscalationAction } from '../../domain/escalation/types.js';
import type { Platform } from '../../domain/policy.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { EscalationRecord, PageMessageRecord, TicketRecord } from '../../ports/store.js';
import { clockLine } from '../shared/card-view.js';
import { chunks, groupBy } from '../shared/grouping.js';
import { headline, queueNotice } from '../shared/sla-consequences.js';
import type { RecipientBook } from './escalation-recipients.js';

export type PageAction = Extract<EscalationAction, { type: 'page' }>;

/** One page decided for one ticket; its messages are built with the other pages of its batch. */
export interface PageIntent {
  ticket: TicketRecord;
  escalation: EscalationRecord;
  action: PageAction;
  book: RecipientBook;
}

/**
 * At most this many pages share one message: every ticket in it gets its own Acknowledge button,
 * and ten lines stay within Discord's 2,000 characters and 25 buttons and Slack's 50 blocks.
 */
export const PAGES_PER_MESSAGE = 10;

function breachedClocks(t: TicketRecord, now: number): string {
  return (['first_response', 'next_update', 'resolution'] as const)
    .map((k) => clockLine(t, k, now))
    .filter((c) => c && c.state === 'breached')
    .map((c) => c!.text)
    .join(', ');
}

/** The text of a page sent on its own. */
export function pageText(t: TicketRecord, a: PageAction, now: number): string {
  const attempt = a.attempt > 1 ? ` (page ${a.attempt})` : '';
  return `🚨 Page for ${a.levelName}${attempt}: ${headline(t)}. ${breachedClocks(t, now) || 'Escalated'}. Acknowledge with the button or /ticket ack #${t.id}.`;
}

const SUBJECT_IN_LINE = 80;

/** One ticket's line in a message of several pages: short enough for ten to fit. */
export function pageLine(t: TicketRecord, a: PageAction, now: number): string {
  const subject =
    t.subject.length > SUBJECT_IN_LINE ? `${t.subject.slice(0, SUBJECT_IN_LINE - 1)}…` : t.subject;
  const attempt = a.attempt > 1 ? `, page ${a.attempt}` : '';
  return `${headline({ ...t, subject })}: ${breachedClocks(t, now) || 'escalated'} (${a.levelName}${attempt})`;
}

function pagesIntro(lines: number): string {
  return `🚨 ${lines} pages at once. Acknowledge each with its button or /ticket ack #<number>.`;
}

/** `esc:12:l0:a1` — one page of one escalation; unique for all time (attempts only go up). */
function pageBase(p: PageIntent): string {
  return `esc:${p.escalation.id}:l${p.action.level}:a${p.action.attempt}`;
}

interface Dm {
  page: PageIntent;
  person: string;
  account: { platform: Platform; userId: string };
}

function directMessage(dms: Dm[], now: number): OutboundMessage {
  const [first] = dms as [Dm, ...Dm[]];
  const { account, person } = first;
  if (dms.length === 1) {
    const t = first.page.ticket;
    return {
      key: `${pageBase(first.page)}:dm:${person}`,
      platform: account.platform,
      // Pages are urgent: they wait neither for other tickets' pages nor for this ticket's channel
      // notices and card edits (another channel); only repeats of one page to one person keep order.
      orderingKey: `page:${person}:${t.id}`,
      priority: 'urgent',
      body: {
        kind: 'direct_message',
        userId: account.userId,
        text: pageText(t, first.page.action, now),
        ticketId: t.id,
        actions: ['acknowledge'],
        escalationId: first.page.escalation.id,
      },
    };
  }
  const pages = dms.map((d) => ({
    ticketId: d.page.ticket.id,
    text: pageLine(d.page.ticket, d.page.action, now),
    escalationId: d.page.escalation.id,
  }));
  const key = `pages:${dms.map((d) => pageBase(d.page).slice('esc:'.length)).join(',')}:dm:${person}`;
  return {
    key,
    platform: account.platform,
    orderingKey: key,
    priority: 'urgent',
    body: {
      kind: 'direct_message',
      userId: account.userId,
      text: [pagesIntro(pages.length), ...pages.map((p) => p.text)].join('\n'),
      ticketId: null,
      actions: ['acknowledge'],
      pages,
    },
  };
}

interface QueueMention {
  page: PageIntent;
  mentions: string[];
}

function queueMessages(group: QueueMention[], now: number): OutboundMessage[] {
  const [first] = group as [QueueMention, ...QueueMention[]];
  if (group.length === 1) {
    const { page, mentions } = first;
    return queueNotice(
      page.ticket,
      `${pageBase(page)}:queue`,
      pageText(page.ticket, page.action, now),
      mentions,
    );
  }
  const card = first.page.ticket.card!;
  const key = `pages:${group.map((q) => pageBase(q.page).slice('esc:'.length)).join(',')}:queue`;
  const lines = group.map((q) => pageLine(q.page.ticket, q.page.action, now));
  return [
    {
      key,
      platform: card.platform,
      orderingKey: key,
      body: {
        kind: 'channel_message',
        channelId: card.channelId,
        text: [pagesIntro(lines.length), ...lines].join('\n'),
        mentions: [...new Set(group.flatMap((q) => q.mentions))],
        ticketId: null,
        inCardThread: false,
      },
    },
  ];
}

/**
 * Outbox messages of the pages decided together (one batch of a tick): a DM to each recipient
 * with an Acknowledge button per ticket, and a mention in the ticket's queue channel. A flood pages
 * one engineer for many tickets at once: those pages share a DM (up to PAGES_PER_MESSAGE), and the
 * mentions in one queue channel share a message, so the engineer's phone buzzes a few times, not
 * hundreds, and the platform's rate limit of about one message a second per channel is not what
 * makes the last page late. A page alone is a message alone, as before.
 */
export function pageMessages(pages: PageIntent[], now: number): OutboundMessage[] {
  const dms: Dm[] = [];
  const mentions: QueueMention[] = [];
  // In ticket order, whatever order the batch found them in: the oldest ticket first in each DM.
  for (const page of [...pages].sort((a, b) => a.ticket.id - b.ticket.id)) {
    const t = page.ticket;
    const prefer = t.card?.platform ?? t.origin.platform;
    const inQueue: string[] = [];
    for (const r of page.action.recipients) {
      const account = page.book.accounts(r.person, prefer)[0];
      if (!account) continue;
      if (account.platform === prefer) inQueue.push(account.userId);
      dms.push({ page, person: r.person, account });
    }
    if (page.action.notifyQueue && t.card) mentions.push({ page, mentions: inQueue });
  }
  const out: OutboundMessage[] = [];
  for (const group of groupBy(dms, (d) => `${d.account.platform}:${d.account.userId}`))
    for (const chunk of chunks(group, PAGES_PER_MESSAGE)) out.push(directMessage(chunk, now));
  for (const group of groupBy(
    mentions,
    (q) => `${q.page.ticket.card!.platform}:${q.page.ticket.card!.channelId}`,
  ))
    for (const chunk of chunks(group, PAGES_PER_MESSAGE)) out.push(...queueMessages(chunk, now));
  return out;
}

/**
 * Which escalations each page DM among `entries` pages for, to record with them
 * (`EscalationRepository.recordPageMessages`): acknowledging one edits every DM that carries it.
 */
export function pageMessageRecords(entries: Array<{ messages: OutboundMessage[] }>): PageMessageRecord[] {
  return entries.flatMap(({ messages }) =>
    messages.flatMap((m) => {
      const b = m.body;
      if (b.kind !== 'direct_message') return [];
      const ids = b.pages?.length ? b.pages.map((p) => p.escalationId) : [b.escalationId];
      const { key, platform, orderingKey } = m;
      return [...new Set(ids)].flatMap((escalationId) =>
        escalationId === undefined ? [] : [{ escalationId, key, platform, orderingKey, userId: b.userId }],
      );
    }),
  );
}

/** pageMessages as outbox entries: a message of one ticket's page keeps the ticket's id. */
export function pageEntries(
  pages: PageIntent[],
  now: number,
): Array<{ ticketId: number | null; messages: OutboundMessage[] }> {
  return pageMessages(pages, now).map((m) => ({
    ticketId: m.body.ticketId,
    messages: [m],
  }));
}
