import type { Platform, Policy } from '../domain/policy.js';
import { snapshotPolicy } from '../domain/policy.js';
import { chooseQueue } from '../domain/routing.js';
import { openClocks } from '../domain/sla/clocks.js';
import { evaluateSla } from '../domain/sla/evaluate.js';
import { resolveTier } from '../domain/tier.js';
import { triage } from '../domain/triage.js';
import type {
  ChannelLinkRecord,
  NewTicket,
  OrganizationRecord,
  PersonRecord,
  TicketRecord,
  UnitOfWork,
} from '../ports/store.js';
import { isStaff } from './actors.js';
import { type AppDeps, ok, type Result } from './deps.js';
import { GroupCommit } from './group-commit.js';
import { directoryFacts, existingByOrigin, keyOf, rankFor, specialistsByDomain } from './intake-facts.js';
import { threadReply } from './outbound.js';
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

interface Accepted {
  index: number;
  msg: InboundMessage;
  link: ChannelLinkRecord;
  org: OrganizationRecord;
}

/** The ticket a message opens, as triage, routing and the SLA promise decide it. */
function draftTicket(
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
    requesterId: b.requester.id,
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

/** The customer's message, the reply and card, and the timeline of the tickets a batch opened. */
async function recordOpened(
  uow: UnitOfWork,
  opened: Array<{ ticket: TicketRecord; requesterId: number }>,
  at: number,
): Promise<void> {
  // The outbox rows do not depend on the messages: both go out together.
  const [stored] = await Promise.all([
    uow.messages.insertMany(
      opened.map(({ ticket, requesterId }) => ({
        ticketId: ticket.id,
        platform: ticket.origin.platform,
        externalId: ticket.origin.messageId,
        authorId: requesterId,
        authorKind: 'customer' as const,
        visibility: 'public' as const,
        text: ticket.description,
        createdAt: at,
      })),
    ),
    uow.outbox.enqueueMany(
      opened.map(({ ticket }) => ({
        ticketId: ticket.id,
        messages: [threadReply(ticket, 'opened', openedReply(ticket, at)), ...cardMessage(ticket)],
      })),
      at,
    ),
  ]);
  const messages = new Map(stored.map((m) => [m.ticketId, m]));
  await uow.events.appendMany(
    opened.map(({ ticket, requesterId }) => {
      const message = messages.get(ticket.id);
      return {
        ticketId: ticket.id,
        actorId: requesterId,
        events: [
          {
            type: 'opened' as const,
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
      };
    }),
    at,
  );
}

/**
 * Opens tickets for a batch of messages in one transaction: a few reads for the directory facts,
 * then one multi-row statement each for the tickets, their SLA clocks, messages, events and
 * outbox rows, whatever the batch size. Outcomes come back in the order of `msgs`.
 */
async function openBatch(
  uow: UnitOfWork,
  deps: AppDeps,
  msgs: InboundMessage[],
): Promise<OpenTicketOutcome[]> {
  const at = deps.clock.now();
  const out: Array<OpenTicketOutcome | undefined> = new Array(msgs.length);
  // Independent reads go out together (postgres.js pipelines them on the transaction's connection).
  const [existing, facts] = await Promise.all([existingByOrigin(uow, msgs), directoryFacts(uow, msgs)]);
  // The same message twice in one batch (a platform retry) is answered from the first.
  const first = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  const fresh: number[] = [];
  msgs.forEach((m, i) => {
    const k = keyOf(m.platform, m.messageId);
    const t = existing.get(k);
    if (t) out[i] = { status: 'duplicate', ticket: t };
    else if (first.has(k)) repeats.push([i, first.get(k)!]);
    else {
      first.set(k, i);
      fresh.push(i);
    }
  });
  const accepted: Accepted[] = [];
  for (const index of fresh) {
    const msg = msgs[index]!;
    const link = facts.link(msg);
    const org = link && facts.org(link.organizationId);
    if (!link || !org) {
      out[index] = { status: 'ignored', reason: 'channel_not_linked' };
      continue;
    }
    const known = facts.person(msg);
    if (isStaff(known) && !msg.author.external && msg.trigger === 'message') {
      out[index] = { status: 'ignored', reason: 'staff_message' };
      continue;
    }
    accepted.push({ index, msg, link, org });
  }
  // Rows are written in a fixed order (by origin) so that two replicas' batches holding the same
  // retried messages take their unique-index locks in the same order and cannot deadlock. Slack ts
  // and Discord snowflakes grow with time, so within a channel this is also arrival order.
  accepted.sort((x, y) => {
    const kx = keyOf(x.msg.platform, x.msg.messageId);
    const ky = keyOf(y.msg.platform, y.msg.messageId);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });
  // First-time customers, in a fixed order so that two batches creating the same people cannot deadlock.
  const newcomers = accepted
    .filter((a) => !facts.person(a.msg))
    .sort((a, b) => (a.msg.author.externalId < b.msg.author.externalId ? -1 : 1));
  for (const a of newcomers) {
    if (facts.person(a.msg)) continue;
    const p = await uow.directory.ensureCustomer({
      ...a.msg.author,
      platform: a.msg.platform,
      organizationId: a.org.id,
    });
    facts.remember(a.msg, p);
  }
  // The tier is resolved from the organization's criteria under the policy in force now; a
  // channel override wins. The stored organizations.tier is a cache for display.
  const built = accepted.map((a) => {
    const tier = tierFor(deps.policy, a.org, a.link.tierOverride);
    return { a, tier, b: buildTicket(deps.policy, a.msg, a.org, facts.person(a.msg)!, tier.tier, at) };
  });
  const { byDomain, load } = await specialistsByDomain(
    uow,
    built.map((x) => x.b.triaged.domain),
  );
  const drafts = built.map(({ a, tier, b }) =>
    draftTicket(
      deps.policy,
      a,
      tier.reason,
      b,
      rankFor(byDomain.get(b.triaged.domain) ?? [], load, b.tier, b.triaged.domain),
      at,
    ),
  );
  const inserted = new Map(
    (await uow.tickets.insertMany(drafts)).map((t) => [keyOf(t.origin.platform, t.origin.messageId), t]),
  );
  // Another transaction opened some of these first (a retry racing its original): duplicates.
  const raced = accepted.filter((a) => !inserted.has(keyOf(a.msg.platform, a.msg.messageId)));
  const racedTickets =
    raced.length > 0
      ? await existingByOrigin(
          uow,
          raced.map((a) => a.msg),
        )
      : new Map();
  const opened: Array<{ ticket: TicketRecord; requesterId: number }> = [];
  accepted.forEach((a, i) => {
    const k = keyOf(a.msg.platform, a.msg.messageId);
    const ticket = inserted.get(k);
    if (ticket) {
      out[a.index] = { status: 'opened', ticket };
      opened.push({ ticket, requesterId: built[i]!.b.requester.id });
    } else out[a.index] = { status: 'duplicate', ticket: racedTickets.get(k)! };
  });
  await recordOpened(uow, opened, at);
  for (const [i, j] of repeats) {
    const o = out[j]!;
    out[i] = o.status === 'opened' ? { status: 'duplicate', ticket: o.ticket } : o;
  }
  return out as OpenTicketOutcome[];
}

/** Opens tickets for several messages in one transaction; outcomes in the order given. */
export function openTickets(deps: AppDeps, msgs: InboundMessage[]): Promise<OpenTicketOutcome[]> {
  return deps.store.transaction((uow) => openBatch(uow, deps, msgs));
}

const intakes = new WeakMap<AppDeps, GroupCommit<InboundMessage, OpenTicketOutcome>>();

/** The batches a flood is gathered into; small enough that one batch's transaction stays short. */
export const INTAKE_BATCH = { maxBatch: 64, maxInFlight: 2, lingerMs: 2 } as const;

function intakeFor(deps: AppDeps) {
  let g = intakes.get(deps);
  if (!g) {
    g = new GroupCommit((msgs) => openTickets(deps, msgs), {
      ...INTAKE_BATCH,
      onBatchFailure: (err, size) =>
        deps.logger.warn({ err, size }, 'intake batch failed; opening its messages one at a time'),
    });
    intakes.set(deps, g);
  }
  return g;
}

/**
 * Opens a ticket from a customer's message in a linked channel; idempotent on the platform message
 * id. Messages arriving together share one transaction (see GroupCommit); the outcome is this
 * message's own.
 */
export async function openTicket(deps: AppDeps, msg: InboundMessage): Promise<Result<OpenTicketOutcome>> {
  return ok(await intakeFor(deps).submit(msg));
}
