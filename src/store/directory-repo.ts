import { and, arrayContains, eq, inArray, sql } from 'drizzle-orm';
import type { Platform, Role } from '../domain/policy.js';
import type {
  ChannelLinkRecord,
  DirectoryRepository,
  IdentityRecord,
  OrganizationRecord,
  PersonRecord,
  Specialist,
} from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { channelLinks, identities, organizations, people, skills } from './schema/index.js';
import { anyOf, oneOf, perHandle } from './sql.js';

type OrgRow = typeof organizations.$inferSelect;
type PersonRow = typeof people.$inferSelect;

export function organizationFromRow(r: OrgRow): OrganizationRecord {
  return {
    id: r.id,
    name: r.name,
    contractValue: r.contractValue,
    monthlyUsage: r.monthlyUsage,
    criticalityFlags: r.criticalityFlags,
    strategic: r.strategic,
    criticalSystems: r.criticalSystems,
    tier: r.tier,
    tierReason: r.tierReason,
    tierOverride: r.tierOverride,
  };
}

export function personFromRow(r: PersonRow): PersonRecord {
  return {
    id: r.id,
    handle: r.handle,
    displayName: r.displayName,
    email: r.email,
    timezone: r.timezone,
    organizationId: r.organizationId,
    roles: r.roles as Role[],
  };
}

// The reads every intake batch makes, built once per database handle (sql.ts, perHandle).

/** Channel links of one platform with their organizations. */
const linksOf = perHandle((db: DbOrTx) =>
  db
    .select({ link: channelLinks, organization: organizations })
    .from(channelLinks)
    .innerJoin(organizations, eq(organizations.id, channelLinks.organizationId))
    .where(and(eq(channelLinks.platform, sql.placeholder('platform')), anyOf(channelLinks.channelId, 'ids')))
    .prepare('linked_channels'),
);

/** People by their identities on one platform. */
const peopleOf = perHandle((db: DbOrTx) =>
  db
    .select({ externalId: identities.externalId, person: people })
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(and(eq(identities.platform, sql.placeholder('platform')), anyOf(identities.externalId, 'ids')))
    .prepare('people_by_identities'),
);

/** Every skill of everyone holding a skill in any of the domains, in one query. */
const specialistsOf = perHandle((db: DbOrTx) =>
  db
    .select({ person: people, skill: skills })
    .from(skills)
    .innerJoin(people, eq(people.id, skills.personId))
    .where(
      inArray(
        skills.personId,
        db.select({ id: skills.personId }).from(skills).where(anyOf(skills.domain, 'domains')),
      ),
    )
    .prepare('specialists'),
);

export class DrizzleDirectoryRepository implements DirectoryRepository {
  constructor(private readonly db: DbOrTx) {}

  async organizationById(id: number): Promise<OrganizationRecord | null> {
    return (await this.organizationsByIds([id])).get(id) ?? null;
  }

  async organizationsByIds(ids: number[]): Promise<Map<number, OrganizationRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(organizations)
      .where(oneOf(organizations.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, organizationFromRow(r)]));
  }

  async organizationByName(name: string): Promise<OrganizationRecord | null> {
    const rows = await this.db.select().from(organizations).where(eq(organizations.name, name));
    return rows[0] ? organizationFromRow(rows[0]) : null;
  }

  async organizationNamedAtStart(text: string): Promise<OrganizationRecord | null> {
    // starts_with, not LIKE: an organization's name may hold % or _.
    const said = sql`lower(${text})`;
    const rows = await this.db
      .select()
      .from(organizations)
      .where(
        sql`${said} = lower(${organizations.name}) or starts_with(${said}, lower(${organizations.name}) || ' ')`,
      )
      .orderBy(sql`length(${organizations.name}) desc`)
      .limit(1);
    return rows[0] ? organizationFromRow(rows[0]) : null;
  }

  async channelsOf(organizationId: number, platform: Platform): Promise<ChannelLinkRecord[]> {
    const rows = await this.db
      .select()
      .from(channelLinks)
      .where(and(eq(channelLinks.organizationId, organizationId), eq(channelLinks.platform, platform)))
      .orderBy(channelLinks.id);
    return rows.map((r) => ({
      platform: r.platform as Platform,
      channelId: r.channelId,
      organizationId: r.organizationId,
      tierOverride: r.tierOverride,
    }));
  }

  async linkedChannels(
    platform: Platform,
    channelIds: string[],
  ): Promise<Map<string, { link: ChannelLinkRecord; organization: OrganizationRecord }>> {
    if (channelIds.length === 0) return new Map();
    const rows = await linksOf(this.db).execute({ platform, ids: [...new Set(channelIds)] });
    return new Map(
      rows.map(({ link: r, organization }) => [
        r.channelId,
        {
          link: {
            platform: r.platform as Platform,
            channelId: r.channelId,
            organizationId: r.organizationId,
            tierOverride: r.tierOverride,
          },
          organization: organizationFromRow(organization),
        },
      ]),
    );
  }

  async personById(id: number): Promise<PersonRecord | null> {
    return (await this.peopleByIds([id])).get(id) ?? null;
  }

  async peopleByIds(ids: number[]): Promise<Map<number, PersonRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(people)
      .where(oneOf(people.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, personFromRow(r)]));
  }

  async personByHandle(handle: string): Promise<PersonRecord | null> {
    return (await this.peopleByHandles([handle])).get(handle) ?? null;
  }

  async peopleByHandles(handles: string[]): Promise<Map<string, PersonRecord>> {
    if (handles.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(people)
      .where(oneOf(people.handle, [...new Set(handles)]));
    return new Map(rows.map((r) => [r.handle, personFromRow(r)]));
  }

  async personByIdentity(platform: Platform, externalId: string): Promise<PersonRecord | null> {
    return (await this.peopleByIdentities(platform, [externalId])).get(externalId) ?? null;
  }

  async peopleByIdentities(platform: Platform, externalIds: string[]): Promise<Map<string, PersonRecord>> {
    if (externalIds.length === 0) return new Map();
    const rows = await peopleOf(this.db).execute({ platform, ids: externalIds });
    return new Map(rows.map((r) => [r.externalId, personFromRow(r.person)]));
  }

  async identitiesOf(personId: number): Promise<IdentityRecord[]> {
    return (await this.identitiesOfPeople([personId])).get(personId) ?? [];
  }

  async identitiesOfPeople(personIds: number[]): Promise<Map<number, IdentityRecord[]>> {
    const unique = [...new Set(personIds)];
    const out = new Map<number, IdentityRecord[]>(unique.map((id) => [id, []]));
    if (unique.length === 0) return out;
    const rows = await this.db.select().from(identities).where(oneOf(identities.personId, unique));
    for (const r of rows)
      out.get(r.personId)!.push({
        personId: r.personId,
        platform: r.platform as Platform,
        externalId: r.externalId,
        workspaceId: r.workspaceId,
      });
    return out;
  }

  async ensureCustomer(input: {
    platform: Platform;
    externalId: string;
    workspaceId: string | null;
    displayName: string;
    organizationId: number;
  }): Promise<PersonRecord> {
    const existing = await this.personByIdentity(input.platform, input.externalId);
    if (existing) return existing;
    const handle = `${input.platform}:${input.externalId}`;
    await this.db
      .insert(people)
      .values({
        handle,
        displayName: input.displayName,
        organizationId: input.organizationId,
        roles: ['customer'],
      })
      .onConflictDoNothing();
    const person = (await this.personByHandle(handle))!;
    await this.db
      .insert(identities)
      .values({
        personId: person.id,
        platform: input.platform,
        externalId: input.externalId,
        workspaceId: input.workspaceId,
      })
      .onConflictDoNothing();
    return (await this.personByIdentity(input.platform, input.externalId)) ?? person;
  }

  async specialists(domains: string[]): Promise<Map<string, Specialist[]>> {
    const out = new Map<string, Specialist[]>(domains.map((d) => [d, []]));
    if (domains.length === 0) return out;
    const rows = await specialistsOf(this.db).execute({ domains });
    const byPerson = new Map<number, Specialist>();
    for (const r of rows) {
      let sp = byPerson.get(r.person.id);
      if (!sp) {
        sp = { person: personFromRow(r.person), skills: [] };
        byPerson.set(r.person.id, sp);
      }
      sp.skills.push({
        personId: r.skill.personId,
        domain: r.skill.domain,
        level: r.skill.level,
        tiers: r.skill.tiers,
      });
    }
    for (const sp of byPerson.values())
      for (const d of new Set(sp.skills.map((k) => k.domain))) out.get(d)?.push(sp);
    return out;
  }

  async peopleWithRole(role: Role): Promise<PersonRecord[]> {
    const rows = await this.db
      .select()
      .from(people)
      .where(arrayContains(people.roles, [role]));
    return rows.map(personFromRow);
  }
}
