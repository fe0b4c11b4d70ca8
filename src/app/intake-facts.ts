/**
 * What a batch of inbound messages needs to know before tickets open: tickets already opened from
 * them, the channel links, organizations and authors, and the specialists of their domains with
 * their load. A few queries per batch, whatever its size.
 */
import type { Platform } from '../domain/policy.js';
import { rankSpecialists } from '../domain/routing.js';
import type { PersonRecord, Specialist, TicketRecord, UnitOfWork } from '../ports/store.js';
import { isStaff } from './actors.js';
import type { InboundMessage } from './open-ticket.js';

/** Specialists of each domain in the batch, then their open load: two queries per batch. */
export async function specialistsByDomain(uow: UnitOfWork, domains: string[]) {
  const byDomain = await uow.directory.specialists([...new Set(domains)]);
  const ids = [...new Set([...byDomain.values()].flat().map((s) => s.person.id))];
  const load = await uow.tickets.openLoad(ids);
  return { byDomain, load };
}

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

/** The channel links, organizations and known authors of the batch: a few queries per batch. */
export async function directoryFacts(uow: UnitOfWork, msgs: InboundMessage[]) {
  const channels = [...new Map(msgs.map((m) => [keyOf(m.platform, m.channelId), m])).entries()];
  const platforms = [...new Set(msgs.map((m) => m.platform))];
  const [linkList, known] = await Promise.all([
    Promise.all(channels.map(([, m]) => uow.directory.channelLink(m.platform, m.channelId))),
    Promise.all(
      platforms.map((platform) =>
        uow.directory.peopleByIdentities(platform, [
          ...new Set(msgs.filter((m) => m.platform === platform).map((m) => m.author.externalId)),
        ]),
      ),
    ),
  ]);
  const links = new Map(channels.map(([k], i) => [k, linkList[i] ?? null]));
  const orgIds = [...new Set(linkList.flatMap((l) => (l ? [l.organizationId] : [])))];
  const orgList = await Promise.all(orgIds.map((id) => uow.directory.organizationById(id)));
  const orgs = new Map(orgIds.map((id, i) => [id, orgList[i] ?? null]));
  const people = new Map<string, PersonRecord>();
  platforms.forEach((platform, i) => {
    for (const [id, p] of known[i]!) people.set(keyOf(platform, id), p);
  });
  return {
    link: (m: InboundMessage) => links.get(keyOf(m.platform, m.channelId)) ?? null,
    org: (id: number) => orgs.get(id) ?? null,
    person: (m: InboundMessage) => people.get(keyOf(m.platform, m.author.externalId)) ?? null,
    remember: (m: InboundMessage, p: PersonRecord) => people.set(keyOf(m.platform, m.author.externalId), p),
  };
}
