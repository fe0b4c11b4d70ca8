/**
 * The rows a new ticket is written as: its tier under the policy in force, triage, routing and
 * the SLA clocks decided for it, and its first message, events and outbox (open-ticket writes a
 * batch of them at once).
 */
import type { Platform, Policy } from '../../domain/policy.js';
import { snapshotPolicy } from '../../domain/policy.js';
import { chooseQueue } from '../../domain/routing.js';
import { openClocks } from '../../domain/sla/clocks.js';
import { evaluateSla } from '../../domain/sla/evaluate.js';
import { resolveTier } from '../../domain/tier.js';
import { triage } from '../../domain/triage.js';
import type {
  ChannelLinkRecord,
  NewTicket,
  OpeningTicket,
  OrganizationRecord,
  PersonRecord,
  TicketRecord,
} from '../../ports/store.js';
import { cardMessage } from '../core/ticket-change.js';
import { threadReply, ticketRoot } from '../shared/outbound.js';
import { openedReply, subjectOf } from '../shared/wording.js';
import type { InboundMessage } from './inbound-message.js';

/**
 * The tier under the policy in force now: a channel override wins, then the organization's
 * override, then its criteria. An override naming a tier the policy no longer has is ignored
 * (the ticket must still open), and the reason says so.
 */
export function tierFor(
  policy: Policy,
  org: OrganizationRecord,
  channelOverride: string | null,
): { tier: string; reason: string } {
  const known = (t: string | null) => t !== null && policy.tiers.some((x) => x.name === t);
  if (channelOverride && known(channelOverride)) return { tier: channelOverride, reason: 'channel override' };
  const facts = { ...org, tierOverride: known(org.tierOverride) ? org.tierOverride : null };
  const r = resolveTier(policy, facts);
  return facts.tierOverride === org.tierOverride
    ? r
    : { ...r, reason: `${r.reason}; override "${org.tierOverride}" is not in the policy` };
}

export function buildTicket(
  policy: Policy,
  msg: InboundMessage,
  org: OrganizationRecord,
  requester: PersonRecord,
  tier: string,
  at: number,
) {
  const tierPolicy = policy.tiers.find((t) => t.name === tier) ?? policy.tiers[policy.tiers.length - 1]!;
  const triaged = triage(policy, { text: msg.text, criticalSystems: org.criticalSystems, tier: tierPolicy });
  const snapshot = snapshotPolicy(policy, tierPolicy.name);
  const sla = openClocks(snapshot, triaged.priority, at);
  return { triaged, snapshot, sla, tier: tierPolicy.name, requester };
}

export interface Accepted {
  index: number;
  msg: InboundMessage;
  link: ChannelLinkRecord;
  org: OrganizationRecord;
}

/** The ticket a message opens, as triage, routing and the SLA promise decide it. */
export function draftTicket(
  policy: Policy,
  a: Accepted,
  tierReason: string,
  b: ReturnType<typeof buildTicket>,
  candidates: TicketRecord['candidates'],
  at: number,
): NewTicket {
  const queue = chooseQueue(policy, {
    tier: b.tier,
    domain: b.triaged.domain,
    priority: b.triaged.priority,
  });
  const cardPlatform = queue.queue.channels[a.msg.platform]
    ? a.msg.platform
    : (Object.keys(queue.queue.channels)[0] as Platform | undefined);
  const due = evaluateSla(b.snapshot, b.sla, at);
  return {
    organizationId: a.org.id,
    requesterId: a.msg.onBehalf ? null : b.requester.id,
    assigneeId: null,
    tier: b.tier,
    priority: b.triaged.priority,
    domain: b.triaged.domain,
    status: 'new',
    queue: queue.queue.name,
    subject: subjectOf(a.msg.text),
    description: a.msg.text,
    origin: {
      platform: a.msg.platform,
      channelId: a.msg.channelId,
      messageId: a.msg.messageId,
      threadRef: a.msg.threadRef,
    },
    card: cardPlatform
      ? { platform: cardPlatform, channelId: queue.queue.channels[cardPlatform]!, messageRef: null }
      : null,
    triageReasons: [`tier ${b.tier}: ${tierReason}`, ...b.triaged.reasons],
    routeReasons: queue.reasons,
    candidates,
    policySnapshot: b.snapshot,
    sla: b.sla,
    slaNextCheckAt: due.actions.length > 0 ? at : due.nextCheckAt,
    acknowledgedAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    autoCloseAt: null,
    publicReplyCount: 0,
    reopenCount: 0,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * A new ticket under its reserved number, with its customer message, first events, reply and card
 * (`authorId` wrote the message; `root`: a command's ticket also posts the message its thread hangs
 * from, first).
 */
export function opening(
  draft: NewTicket,
  ids: { ticketId: number; messageId: number },
  authorId: number,
  at: number,
  root: ((t: TicketRecord) => string) | null,
): OpeningTicket {
  const ticket: TicketRecord = { ...draft, id: ids.ticketId, version: 1 };
  return {
    ticket,
    message: {
      id: ids.messageId,
      ticketId: ticket.id,
      platform: ticket.origin.platform,
      externalId: ticket.origin.messageId,
      authorId,
      authorKind: 'customer',
      visibility: 'public',
      text: ticket.description,
      createdAt: at,
    },
    actorId: authorId,
    events: [
      {
        type: 'opened',
        tier: ticket.tier,
        priority: ticket.priority,
        domain: ticket.domain,
        queue: ticket.queue,
        reasons: [...ticket.triageReasons, ...ticket.routeReasons],
        ...(root ? { via: 'command' as const, onBehalf: ticket.requesterId === null } : {}),
      },
      { type: 'message_added', messageId: ids.messageId, authorKind: 'customer', visibility: 'public' },
    ],
    outbox: [
      ...(root ? [ticketRoot(ticket, root(ticket))] : []),
      threadReply(ticket, 'opened', openedReply(ticket, at)),
      ...cardMessage(ticket),
    ],
  };
}
