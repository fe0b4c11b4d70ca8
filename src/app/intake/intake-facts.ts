/**
 * What a batch of inbound messages needs to know before tickets open: tickets already opened from
 * them, the channel links, organizations and authors, and the specialists with their load. A few
 * queries per batch, whatever its size, sent together.
 */
import type { Platform, Policy } from '../../domain/policy.js';
import { rankSpecialists } from '../../domain/routing.js';
import type {
  ChannelLinkRecord,
  OrganizationRecord,
  PersonRecord,
  Specialist,
  TicketRecord,
  UnitOfWork,
} from '../../ports/store.js';
import { isStaff } from '../shared/actors.js';
import type { InboundMessage } from './inbound-message.js';

export function rankFor(
  specialists: Specialist[],
  load: Map<number, number>,
  tier: string,
  domain: string,
): TicketRecord['candidates'] {
  return rankSpecialists(
    specialists.map((s) => ({
      handle: s.person.handle,
      skills: s.skills.map((k) => ({ domain: k.domain, level: k.level, tiers: k.tiers })),
      openLoad: load.get(s.person.id) ?? 0,
      available: isStaff(s.person),
    })),
    { tier, domain },
  ).slice(0, 5);
}

/** A map key for a platform's own id (message, channel, user): ids are unique only per platform. */
export const keyOf = (platform: Platform, id: string): string => `${platform}\u0000${id}`;

/** Tickets already opened from any of these messages, by origin key. */
export async function existingByOrigin(uow: UnitOfWork, msgs: InboundMessage[]) {
  const out = new Map<string, TicketRecord>();
  for (const platform of new Set(msgs.map((m) => m.platform))) {
    const ids = [...new Set(msgs.filter((m) => m.platform === platform).map((m) => m.messageId))];
    for (const t of await uow.tickets.findByOrigins(platform, ids))
      out.set(keyOf(platform, t.origin.messageId), t);
  }
  return out;
}

/** Every domain triage can give a ticket: the policy's domain rules and its default. */
export function policyDomains(policy: Policy): string[] {
  return [...new Set([...policy.domains.map((d) => d.name), policy.triage.defaultDomain])];
}

/**
 * What a batch needs to know first, in one round trip (the queries go out together): tickets its
 * messages already opened, the channel links with their organizations (one query per platform,
 * however many channels), the known authors and the specialists of `domains`.
 */
export async function batchFacts(uow: UnitOfWork, msgs: InboundMessage[], domains: string[]) {
  const platforms = [...new Set(msgs.map((m) => m.platform))];
  const idsOn = (platform: Platform, pick: (m: InboundMessage) => string) => [
    ...new Set(msgs.filter((m) => m.platform === platform).map(pick)),
  ];
  const [existing, linked, known, byDomain] = await Promise.all([
    existingByOrigin(uow, msgs),
    Promise.all(
      platforms.map((p) =>
        uow.directory.linkedChannels(
          p,
          idsOn(p, (m) => m.channelId),
        ),
      ),
    ),
    Promise.all(
      platforms.map((p) =>
        uow.directory.peopleByIdentities(
          p,
          idsOn(p, (m) => m.author.externalId),
        ),
      ),
    ),
    uow.directory.specialists(domains),
  ]);
  const links = new Map<string, { link: ChannelLinkRecord; organization: OrganizationRecord }>();
  const people = new Map<string, PersonRecord>();
  platforms.forEach((platform, i) => {
    for (const [id, l] of linked[i]!) links.set(keyOf(platform, id), l);
    for (const [id, p] of known[i]!) people.set(keyOf(platform, id), p);
  });
  return {
    existing,
    byDomain,
    link: (m: InboundMessage) => links.get(keyOf(m.platform, m.channelId)) ?? null,
    person: (m: InboundMessage) => people.get(keyOf(m.platform, m.author.externalId)) ?? null,
    remember: (m: InboundMessage, p: PersonRecord) => people.set(keyOf(m.platform, m.author.externalId), p),
  };
}
