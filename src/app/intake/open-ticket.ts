import type { TicketRecord, UnitOfWork } from '../../ports/store.js';
import { type AppDeps, ok, type Result } from '../deps.js';
import { isStaff } from '../shared/actors.js';
import { commandRootText } from '../shared/wording.js';
import { type Accepted, buildTicket, draftTicket, opening, tierFor } from './draft-ticket.js';
import { GroupCommit } from './group-commit.js';
import type { InboundMessage } from './inbound-message.js';
import { batchFacts, existingByOrigin, keyOf, policyDomains, rankFor } from './intake-facts.js';

export type { InboundMessage } from './inbound-message.js';

export type OpenTicketOutcome =
  | { status: 'opened'; ticket: TicketRecord }
  | { status: 'duplicate'; ticket: TicketRecord }
  | { status: 'ignored'; reason: 'channel_not_linked' | 'staff_message' };

/**
 * Messages of a batch that open a ticket unless they are already tickets or their channel is not
 * linked: a 🎫 reaction, or an author the platform says is outside the team (a Slack Connect
 * customer). Their numbers can be reserved before anything is read.
 */
function surelyCustomers(msgs: InboundMessage[]): number {
  return new Set(
    msgs
      .filter((m) => m.trigger !== 'message' || m.author.external === true)
      .map((m) => keyOf(m.platform, m.messageId)),
  ).size;
}

/**
 * Opens tickets for a batch of messages in two round trips, whatever the batch size, and without
 * a transaction around them: the reads (batchFacts), the specialists' load and the ticket numbers
 * of the messages that surely open (surelyCustomers) go out together; then one statement writes
 * the tickets (their SLA clocks in them) with their messages, events and outbox rows
 * (IntakeRepository.open), all or nothing. First-time customers, and numbers for accepted
 * messages beyond those reserved, take one round trip more in between. A reserved number left
 * unused (a retry of an opened message) is a gap in the ticket numbers, as after a failed insert.
 * Outcomes come back in the order of `msgs`.
 */
async function openBatch(
  uow: UnitOfWork,
  deps: AppDeps,
  msgs: InboundMessage[],
): Promise<OpenTicketOutcome[]> {
  const at = deps.clock.now();
  const out: Array<OpenTicketOutcome | undefined> = new Array(msgs.length);
  const domains = policyDomains(deps.policy);
  const [facts, load, early] = await Promise.all([
    batchFacts(uow, msgs, domains),
    uow.tickets.openLoad(domains),
    uow.intake.reserveIds(surelyCustomers(msgs)),
  ]);
  // The same message twice in one batch (a platform retry) is answered from the first.
  const first = new Map<string, number>();
  const repeats: Array<[number, number]> = [];
  const accepted: Accepted[] = [];
  msgs.forEach((msg, index) => {
    const k = keyOf(msg.platform, msg.messageId);
    const t = facts.existing.get(k);
    if (t) out[index] = { status: 'duplicate', ticket: t };
    else if (first.has(k)) repeats.push([index, first.get(k)!]);
    else {
      first.set(k, index);
      const linked = facts.link(msg);
      if (!linked) out[index] = { status: 'ignored', reason: 'channel_not_linked' };
      else if (isStaff(facts.person(msg)) && !msg.author.external && msg.trigger === 'message')
        out[index] = { status: 'ignored', reason: 'staff_message' };
      else accepted.push({ index, msg, link: linked.link, org: linked.organization });
    }
  });
  // Rows are written in a fixed order (by origin) so that two replicas' batches holding the same
  // retried messages take their unique-index locks in the same order and cannot deadlock. Slack ts
  // and Discord snowflakes grow with time, so within a channel this is also arrival order.
  accepted.sort((x, y) => {
    const kx = keyOf(x.msg.platform, x.msg.messageId);
    const ky = keyOf(y.msg.platform, y.msg.messageId);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });
  // First-time customers, one at a time in a fixed order (each is an idempotent upsert).
  const newcomers = async () => {
    const pending = accepted
      .filter((c) => !facts.person(c.msg))
      .sort((a, b) => (a.msg.author.externalId < b.msg.author.externalId ? -1 : 1));
    for (const c of pending) {
      if (facts.person(c.msg)) continue;
      const p = await uow.directory.ensureCustomer({
        ...c.msg.author,
        platform: c.msg.platform,
        organizationId: c.link.organizationId,
      });
      facts.remember(c.msg, p);
    }
  };
  const [more] = await Promise.all([uow.intake.reserveIds(accepted.length - early.length), newcomers()]);
  const ids = [...early, ...more];
  // The tier is resolved from the organization's criteria under the policy in force now; a
  // channel override wins. The stored organizations.tier is a cache for display.
  const entries = accepted.map((a, i) => {
    const tier = tierFor(deps.policy, a.org, a.link.tierOverride);
    const b = buildTicket(deps.policy, a.msg, a.org, facts.person(a.msg)!, tier.tier, at);
    const candidatesFor = rankFor(facts.byDomain.get(b.triaged.domain) ?? [], load, b.tier, b.triaged.domain);
    const root =
      a.msg.trigger === 'command'
        ? (t: TicketRecord) => commandRootText(t, b.requester.displayName, a.msg.onBehalf ? a.org.name : null)
        : null;
    return opening(
      draftTicket(deps.policy, a, tier.reason, b, candidatesFor, at),
      ids[i]!,
      b.requester.id,
      at,
      root,
    );
  });
  const inserted = new Map(
    (await uow.intake.open(entries, at)).map((t) => [keyOf(t.origin.platform, t.origin.messageId), t]),
  );
  // Another replica opened some of these first (a retry racing its original): duplicates.
  const raced = accepted.filter((a) => !inserted.has(keyOf(a.msg.platform, a.msg.messageId)));
  const racedTickets =
    raced.length > 0
      ? await existingByOrigin(
          uow,
          raced.map((a) => a.msg),
        )
      : new Map<string, TicketRecord>();
  for (const a of accepted) {
    const k = keyOf(a.msg.platform, a.msg.messageId);
    const ticket = inserted.get(k);
    out[a.index] = ticket
      ? { status: 'opened', ticket }
      : { status: 'duplicate', ticket: racedTickets.get(k)! };
  }
  for (const [i, j] of repeats) {
    const o = out[j]!;
    out[i] = o.status === 'opened' ? { status: 'duplicate', ticket: o.ticket } : o;
  }
  return out as OpenTicketOutcome[];
}

/** Opens tickets for several messages (see openBatch); outcomes in the order given. */
export function openTickets(deps: AppDeps, msgs: InboundMessage[]): Promise<OpenTicketOutcome[]> {
  return deps.store.withoutTransaction((uow) => openBatch(uow, deps, msgs));
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
