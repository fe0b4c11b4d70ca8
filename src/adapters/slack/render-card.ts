import { type Platform, PRIORITIES, type Priority } from '../../domain/policy.js';
import type { TicketStatus } from '../../domain/ticket.js';
import type { CardClock, TicketCardView } from '../../ports/chat.js';
import {
  ACTION_IDS,
  type ActionsBlock,
  button,
  cardActionsBlockId,
  clampBlocks,
  confirmDialog,
  context,
  fieldsSection,
  plain,
  type SelectOption,
  type SlackBlock,
  type StaticSelectElement,
  section,
} from './render-blocks.js';
import {
  escapeMrkdwn,
  fitText,
  isSlackChannelId,
  isSlackUserId,
  mrkdwnLink,
  quoteLines,
  SLACK_LIMITS,
} from './render-text.js';

/** Display budgets below Slack's hard limits: a card should read at a glance. */
const SUBJECT_MAX = 300;
const EXCERPT_MAX = 1500;
const FIELD_VALUE_MAX = 200;
const CLOCK_TEXT_MAX = 300;
const SLA_MAX = 500;
const REASONS_MAX = 500;
const ESCALATION_MAX = 300;
const FALLBACK_MAX = 3000;

export const PRIORITY_EMOJI: Record<Priority, string> = { P1: '🔴', P2: '🟠', P3: '🟡', P4: '⚪' };

export const STATUS_LABEL: Record<TicketStatus, string> = {
  new: 'New',
  open: 'Open',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

const CLOCK_ICON: Record<CardClock['state'], string> = {
  running: '⏳',
  paused: '⏸',
  met: '✅',
  breached: '🚨',
  stopped: '⏹',
};

/** A Map, not an object literal: the status is a free string and must not hit `constructor` & co. */
const ESCALATION_ICON: ReadonlyMap<string, string> = new Map([
  ['active', '📣'],
  ['acknowledged', '✅'],
  ['stopped', '⏹'],
  ['exhausted', '⛔'],
]);

const PLATFORM_NAME: Record<Platform, string> = { slack: 'Slack', discord: 'Discord', sandbox: 'Sandbox' };

const ACTIVE: ReadonlySet<TicketStatus> = new Set(['new', 'open', 'waiting_on_customer']);

export interface CardRenderOptions {
  /** Slack permalink of the customer's thread; null when unknown or not on Slack. */
  permalink: string | null;
}

/**
 * The ticket card for a specialist queue channel. Every string from the view is escaped, so a
 * customer cannot inject `<!channel>` or a mention. Resolved and closed tickets get no actions block:
 * the card becomes a record, and reopening happens when the customer replies in their thread.
 */
export function renderCard(
  view: TicketCardView,
  opts: CardRenderOptions,
): { text: string; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [headerSection(view)];
  const excerpt = excerptSection(view.excerpt);
  if (excerpt) blocks.push(excerpt);
  blocks.push(fieldsSection(detailFields(view, opts.permalink)));
  blocks.push(section(fitText(view.slaSummary || '—', SLA_MAX, (s) => `*SLA:* ${escapeMrkdwn(s)}`)));
  if (view.clocks.length > 0) blocks.push(context(view.clocks.map(clockText)));
  if (view.reasons.length > 0) {
    blocks.push(
      context([fitText(view.reasons.join('; '), REASONS_MAX, (s) => `*Why here:* ${escapeMrkdwn(s)}`)]),
    );
  }
  if (view.escalation) blocks.push(context([escalationText(view.escalation)]));
  const actions = actionsBlock(view);
  if (actions) blocks.push(actions);
  return { text: fallbackText(view), blocks: clampBlocks(blocks) };
}

function headerLine(view: TicketCardView): string {
  return `#${view.ticketId} · ${view.tierLabel} · ${view.priority} · ${view.domain}`;
}

/** "#42 Enterprise P1 security — Northwind Bank: <subject>", for notifications and old clients. */
function fallbackText(view: TicketCardView): string {
  const raw = `#${view.ticketId} ${view.tierLabel} ${view.priority} ${view.domain} — ${view.organization}: ${view.subject}`;
  return fitText(raw, FALLBACK_MAX);
}

function headerSection(view: TicketCardView): SlackBlock {
  const title = `${PRIORITY_EMOJI[view.priority]} *${fitText(headerLine(view), 300)}*`;
  const org = fitText(view.organization, FIELD_VALUE_MAX);
  const subject = fitText(view.subject || '(no subject)', SUBJECT_MAX);
  return section(`${title}\n*${org}*: ${subject}`);
}

function excerptSection(excerpt: string): SlackBlock | null {
  const normalized = excerpt
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!normalized) return null;
  return section(fitText(normalized, EXCERPT_MAX, (s) => quoteLines(escapeMrkdwn(s))));
}

function detailFields(view: TicketCardView, permalink: string | null): string[] {
  return [
    `*Requester*\n${fitText(view.requesterName || 'unknown', FIELD_VALUE_MAX)}`,
    `*Status*\n${STATUS_LABEL[view.status]}`,
    `*Assignee*\n${assigneeText(view.assignee)}`,
    `*Queue*\n${fitText(view.queueLabel, FIELD_VALUE_MAX)}`,
    `*Customer thread*\n${threadText(view.customerThread, permalink)}`,
  ];
}

function assigneeText(assignee: TicketCardView['assignee']): string {
  if (!assignee) return '_unclaimed_';
  if (assignee.platformUserId && isSlackUserId(assignee.platformUserId))
    return `<@${assignee.platformUserId}>`;
  return fitText(assignee.name || 'someone', FIELD_VALUE_MAX);
}

function threadText(thread: TicketCardView['customerThread'], permalink: string | null): string {
  const link = permalink ? mrkdwnLink(permalink, 'customer thread') : null;
  if (link && link.length <= SLACK_LIMITS.sectionField - 20) return link;
  if (thread.platform === 'slack' && isSlackChannelId(thread.channelId)) return `in <#${thread.channelId}>`;
  return `on ${PLATFORM_NAME[thread.platform]}`;
}

function clockText(clock: CardClock): string {
  return `${CLOCK_ICON[clock.state]} ${fitText(clock.text, CLOCK_TEXT_MAX)}`;
}

function escalationText(escalation: NonNullable<TicketCardView['escalation']>): string {
  const icon = ESCALATION_ICON.get(escalation.status) ?? '📣';
  return `${icon} *Escalation:* ${fitText(escalation.text, ESCALATION_MAX)}`;
}

function priorityOption(p: Priority): SelectOption {
  return { text: plain(`${PRIORITY_EMOJI[p]} ${p}`, SLACK_LIMITS.optionText), value: p };
}

function prioritySelect(current: Priority): StaticSelectElement {
  return {
    type: 'static_select',
    action_id: ACTION_IDS.priority,
    placeholder: plain('Priority', SLACK_LIMITS.placeholder),
    options: PRIORITIES.map(priorityOption),
    initial_option: priorityOption(current),
  };
}

/**
 * Claim only while unassigned; Escalate hidden while an escalation is already paging (the app would
 * refuse a second one); nothing at all once resolved or closed.
 */
function actionsBlock(view: TicketCardView): ActionsBlock | null {
  if (!ACTIVE.has(view.status)) return null;
  const id = view.ticketId;
  const elements: ActionsBlock['elements'] = [];
  if (!view.assignee) elements.push(button(ACTION_IDS.claim, 'Claim', id, 'primary'));
  if (view.escalation?.status !== 'active') {
    const escalate = button(ACTION_IDS.escalate, 'Escalate', id, 'danger');
    escalate.confirm = confirmDialog(
      `Escalate #${id}?`,
      'This starts the escalation chain and may page the on-call engineer.',
      'Escalate',
    );
    elements.push(escalate);
  }
  elements.push(button(ACTION_IDS.resolve, 'Resolve', id));
  elements.push(prioritySelect(view.priority));
  return { type: 'actions', block_id: cardActionsBlockId(id), elements };
}
