import { escapeMarkdown } from 'discord.js';
import type { RichText } from '../../app/shared/rich-text.js';
import type { TicketCardView } from '../../ports/chat.js';
import type { OutboundBody } from '../../ports/outbound.js';

/** custom_id prefixes of the card's components; the ticket number follows the last colon. */
export const CUSTOM_IDS = {
  claim: 'tierdesk:claim',
  escalate: 'tierdesk:escalate',
  resolve: 'tierdesk:resolve',
  priority: 'tierdesk:priority',
  acknowledge: 'tierdesk:ack',
} as const;

/** `tierdesk:claim:42` → { action: 'claim', ticketId: 42 }; null for anything else. */
export function parseCustomId(
  customId: string,
): { action: keyof typeof CUSTOM_IDS; ticketId: number } | null {
  const m = /^tierdesk:(claim|escalate|resolve|priority|ack):(\d{1,15})$/.exec(customId);
  if (!m) return null;
  const action = (m[1] === 'ack' ? 'acknowledge' : m[1]) as keyof typeof CUSTOM_IDS;
  return { action, ticketId: Number(m[2]) };
}

const LIMITS = { content: 2000, title: 256, description: 4096, fieldValue: 1024, footer: 2048 } as const;
const COLOR: Record<string, number> = { P1: 0xd92d20, P2: 0xf79009, P3: 0xfdb022, P4: 0x98a2b3 };
const STATUS: Record<string, string> = {
  new: 'New',
  open: 'Open',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};
const CLOCK_ICON: Record<string, string> = {
  running: '⏳',
  paused: '⏸',
  met: '✅',
  breached: '🚨',
  stopped: '⏹',
};

/** Cuts to `max` characters without splitting a surrogate pair, marking the cut with '…'. */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Customer text shown in an embed or message: mentions and markdown that could ping or mislead
 * are neutralised (`@everyone`, `<@id>`, `<#id>`, role mentions).
 */
export function neutralise(s: string): string {
  return s.replace(/@(everyone|here)/g, '@\u200b$1').replace(/<(@[!&]?|#)(\d+)>/g, '<\u200b$1$2>');
}

const field = (name: string, value: string, inline = true) => ({
  name,
  value: clip(value || '—', LIMITS.fieldValue),
  inline,
});

function components(view: TicketCardView) {
  if (view.status === 'resolved' || view.status === 'closed') return [];
  const id = view.ticketId;
  const buttons = [
    ...(view.assignee ? [] : [{ type: 2, style: 1, label: 'Claim', custom_id: `${CUSTOM_IDS.claim}:${id}` }]),
    ...(view.escalation?.status === 'active'
      ? []
      : [{ type: 2, style: 4, label: 'Escalate', custom_id: `${CUSTOM_IDS.escalate}:${id}` }]),
    { type: 2, style: 3, label: 'Resolve', custom_id: `${CUSTOM_IDS.resolve}:${id}` },
  ];
  const select = {
    type: 3,
    custom_id: `${CUSTOM_IDS.priority}:${id}`,
    placeholder: 'Priority',
    options: ['P1', 'P2', 'P3', 'P4'].map((p) => ({ label: p, value: p, default: p === view.priority })),
  };
  return [
    { type: 1, components: buttons },
    { type: 1, components: [select] },
  ];
}

/** The ticket card: an embed plus buttons and a priority menu (Discord message payload). */
export function renderCard(view: TicketCardView, opts: { threadLink: string | null }) {
  const assignee = view.assignee
    ? view.assignee.platformUserId
      ? `<@${view.assignee.platformUserId}>`
      : view.assignee.name
    : 'unclaimed';
  const clocks = view.clocks.map((c) => `${CLOCK_ICON[c.state] ?? ''} ${c.text}`).join('\n');
  const embed = {
    title: clip(`#${view.ticketId} · ${view.tierLabel} · ${view.priority} · ${view.domain}`, LIMITS.title),
    description: clip(
      `**${neutralise(view.organization)}**: ${neutralise(view.subject)}\n\n>>> ${neutralise(view.excerpt)}`,
      LIMITS.description,
    ),
    color: COLOR[view.priority],
    fields: [
      field('Requester', neutralise(view.requesterName)),
      field('Status', STATUS[view.status] ?? view.status),
      field('Assignee', assignee),
      field('Queue', view.queueLabel),
      field('Customer thread', opts.threadLink ? `[open](${opts.threadLink})` : 'in the customer channel'),
      field('SLA', `${view.slaSummary}\n${clocks}`, false),
      field('Why here', view.reasons.join('; '), false),
      ...(view.escalation ? [field('Escalation', view.escalation.text)] : []),
    ],
  };
  return {
    content: '',
    embeds: [embed],
    components: components(view),
    allowed_mentions: { parse: [] as string[] },
  };
}

const DISCORD_ID = /^\d{17,20}$/;

/**
 * Rich text as Discord markdown: text escaped (markdown and mentions neutralised), bold as `**…**`,
 * mentions as `<@id>` for Discord user ids and the name otherwise. Send it with
 * `allowed_mentions: { parse: [] }` where nobody is to be pinged.
 */
export function renderRich(rich: RichText): string {
  return rich
    .map((s) => {
      if (typeof s === 'string') return neutralise(escapeMarkdown(s));
      if ('bold' in s) return `**${neutralise(escapeMarkdown(s.bold))}**`;
      return s.mention && DISCORD_ID.test(s.mention) ? `<@${s.mention}>` : neutralise(escapeMarkdown(s.name));
    })
    .join('');
}

/** Plain text (thread replies, notices). Mentions only of the listed users; never @everyone. */
export function renderText(text: string, mentions: string[] = []) {
  const prefix = mentions.map((u) => `<@${u}>`).join(' ');
  return {
    content: clip(prefix ? `${prefix} ${text}` : text, LIMITS.content) || '(no text)',
    allowed_mentions: { parse: [] as string[], users: mentions },
  };
}

/**
 * A direct message; a page gets an Acknowledge button, several pages one each (five to a row).
 * Once a page is acknowledged (the DM is edited then), its button goes and a line says who
 * acknowledged it and when; an edit always sends `components`, so a button removed is gone.
 */
export function renderDirectMessage(
  body: Extract<OutboundBody, { kind: 'direct_message' }>,
  acknowledged: ReadonlyArray<{ ticketId: number; text: string }> = [],
) {
  const acked = new Map(acknowledged.map((a) => [a.ticketId, a.text]));
  const paged = body.pages?.length
    ? body.pages.map((p) => p.ticketId)
    : body.ticketId !== null
      ? [body.ticketId]
      : [];
  const several = (body.pages?.length ?? 0) > 0;
  const notes = paged.flatMap((id) => {
    const text = acked.get(id);
    return text === undefined ? [] : [`✅ ${several ? `#${id} ` : ''}${neutralise(text)}`];
  });
  // The notes are what changed: they are kept whole, the original text gives way if it must.
  const tail = notes.length > 0 ? `\n${notes.join('\n')}` : '';
  const base = renderText(`${clip(body.text, LIMITS.content - tail.length)}${tail}`);
  if (!body.actions.includes('acknowledge') || paged.length === 0) return base;
  const acks = paged
    .filter((id) => !acked.has(id))
    .map((id) => ({ ticketId: id, label: several ? `Acknowledge #${id}` : 'Acknowledge' }));
  const rows: Array<{ type: 1; components: object[] }> = [];
  for (let i = 0; i < Math.min(acks.length, 25); i += 5)
    rows.push({
      type: 1,
      components: acks.slice(i, i + 5).map((a) => ({
        type: 2,
        style: 1,
        label: a.label,
        custom_id: `${CUSTOM_IDS.acknowledge}:${a.ticketId}`,
      })),
    });
  return { ...base, components: rows };
}
