import type { Platform, Policy } from '../domain/policy.js';
import { snapshotPolicy } from '../domain/policy.js';
import { chooseQueue, rankSpecialists } from '../domain/routing.js';
import { openClocks } from '../domain/sla/clocks.js';
import { evaluateSla } from '../domain/sla/evaluate.js';
import { resolveTier } from '../domain/tier.js';
import { triage } from '../domain/triage.js';
import type { OrganizationRecord, PersonRecord, TicketRecord, UnitOfWork } from '../ports/store.js';
import { isStaff } from './actors.js';
import type { AppDeps, Result } from './deps.js';
import { threadReply } from './outbound.js';
import { inTransaction } from './run-ticket-command.js';
import { cardMessage } from './ticket-change.js';
import { openedReply, subjectOf } from './wording.js';

/** A message as an adapter hands it over. Ids are the platform's own. */
export interface InboundMessage {
  platform: Platform;
  channelId: string;
  /** The platform's id of this message (Slack ts, Discord snowflake); dedupe key. */
  messageId: string;
  /** Where replies to the customer go (Slack: the message ts; Discord: the thread id), if known. */
  threadRef: string | null;
  /**
   * `external`: the platform says the author is outside the support team's workspace (Slack Connect
   * user, guest): always a customer, whatever the people table says.
   */
  author: { externalId: string; displayName: string; workspaceId: string | null; external?: boolean };
  text: string;
  /** 'reaction': someone put 🎫 on the message, so it opens even when staff wrote it. */
  trigger: 'message' | 'reaction';
}

export type OpenTicketOutcome =
  | { status: 'opened'; ticket: TicketRecord }
  | { status: 'duplicate'; ticket: TicketRecord }
  | { status: 'ignored'; reason: 'channel_not_linked' | 'staff_message' };

async function route(
  uow: UnitOfWork,
  policy: Policy,
  tier: string,
  domain: string,
  priority: TicketRecord['priority'],
) {
  const queue = chooseQueue(policy, { tier, domain, priority });
  const specialists = await uow.directory.specialists(domain);
  const load = await uow.tickets.openLoad(specialists.map((s) => s.person.id));
  const ranked = rankSpecialists(
    specialists.map((s) => ({
      handle: s.person.handle,
      skills: s.skills.map((k) => ({ domain: k.domain, level: k.level, tiers: k.tiers })),
      openLoad: load.get(s.person.id) ?? 0,
      available: isStaff(s.person),
    })),
    { tier, domain },
  );
  return { queue, candidates: ranked.slice(0, 5) };
}

/**
 * The tier under the policy in force now: a channel override wins, then the organization's
 * override, then its criteria. An override naming a tier the policy no longer has is ignored
 * (the ticket must still open), and the reason says so.
 */
function tierFor(
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

function buildTicket(
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

/** Opens a ticket from a customer's message in a linked channel; idempotent on the platform message id. */
export function openTicket(deps: AppDeps, msg: InboundMessage): Promise<Result<OpenTicketOutcome>> {
  return inTransaction(deps, async (uow): Promise<OpenTicketOutcome> => {
    const at = deps.clock.now();
    const existing = await uow.tickets.findByOrigin(msg.platform, msg.messageId);
    if (existing) return { status: 'duplicate', ticket: existing };
    const link = await uow.directory.channelLink(msg.platform, msg.channelId);
    const org = link && (await uow.directory.organizationById(link.organizationId));
    if (!link || !org) return { status: 'ignored', reason: 'channel_not_linked' };
    const known = await uow.directory.personByIdentity(msg.platform, msg.author.externalId);
    if (isStaff(known) && !msg.author.external && msg.trigger === 'message')
      return { status: 'ignored', reason: 'staff_message' };
    const requester =
      known ??
      (await uow.directory.ensureCustomer({ ...msg.author, platform: msg.platform, organizationId: org.id }));
    // The tier is resolved from the organization's criteria under the policy in force now; a
    // channel override wins. The stored organizations.tier is a cache for display.
    const tier = tierFor(deps.policy, org, link.tierOverride);
    const b = buildTicket(deps.policy, msg, org, requester, tier.tier, at);
    const { queue, candidates } = await route(uow, deps.policy, b.tier, b.triaged.domain, b.triaged.priority);
    const cardPlatform = queue.queue.channels[msg.platform]
      ? msg.platform
      : (Object.keys(queue.queue.channels)[0] as Platform | undefined);
    const due = evaluateSla(b.snapshot, b.sla, at);
    const ticket = await uow.tickets.insert({
      organizationId: org.id,
      requesterId: requester.id,
      assigneeId: null,
      tier: b.tier,
      priority: b.triaged.priority,
      domain: b.triaged.domain,
      status: 'new',
      queue: queue.queue.name,
      subject: subjectOf(msg.text),
      description: msg.text,
      origin: {
        platform: msg.platform,
        channelId: msg.channelId,
        messageId: msg.messageId,
        threadRef: msg.threadRef,
      },
      card: cardPlatform
        ? { platform: cardPlatform, channelId: queue.queue.channels[cardPlatform]!, messageRef: null }
        : null,
      triageReasons: [`tier ${b.tier}: ${tier.reason}`, ...b.triaged.reasons],
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
    });
    if (!ticket) {
      const raced = await uow.tickets.findByOrigin(msg.platform, msg.messageId);
      return { status: 'duplicate', ticket: raced! };
    }
    const message = await uow.messages.insert({
      ticketId: ticket.id,
      platform: msg.platform,
      externalId: msg.messageId,
      authorId: requester.id,
      authorKind: 'customer',
      visibility: 'public',
      text: msg.text,
      createdAt: at,
    });
    await uow.events.append(
      ticket.id,
      [
        {
          type: 'opened',
          tier: ticket.tier,
          priority: ticket.priority,
          domain: ticket.domain,
          queue: ticket.queue,
          reasons: [...ticket.triageReasons, ...ticket.routeReasons],
        },
        ...(message
          ? [
              {
                type: 'message_added' as const,
                messageId: message.id,
                authorKind: 'customer' as const,
                visibility: 'public' as const,
              },
            ]
          : []),
      ],
      at,
      requester.id,
    );
    await uow.outbox.enqueue(
      [threadReply(ticket, 'opened', openedReply(ticket, at)), ...cardMessage(ticket)],
      ticket.id,
      at,
    );
    return { status: 'opened', ticket };
  });
}
