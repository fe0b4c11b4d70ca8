import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import type { Platform, Role } from '../domain/policy.js';
import type {
  ChannelLinkRecord,
  DirectoryRepository,
  IdentityRecord,
  OrganizationRecord,
  PersonRecord,
  SkillRecord,
} from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { channelLinks, identities, organizations, people, skills } from './schema/index.js';

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

export class DrizzleDirectoryRepository implements DirectoryRepository {
  constructor(private readonly db: DbOrTx) {}

  async organizationById(id: number): Promise<OrganizationRecord | null> {
    const rows = await this.db.select().from(organizations).where(eq(organizations.id, id));
    return rows[0] ? organizationFromRow(rows[0]) : null;
  }

  async organizationByName(name: string): Promise<OrganizationRecord | null> {
    const rows = await this.db.select().from(organizations).where(eq(organizations.name, name));
    return rows[0] ? organizationFromRow(rows[0]) : null;
  }

  async channelLink(platform: Platform, channelId: string): Promise<ChannelLinkRecord | null> {
    const rows = await this.db
      .select()
      .from(channelLinks)
      .where(and(eq(channelLinks.platform, platform), eq(channelLinks.channelId, channelId)));
    const r = rows[0];
    return r
      ? {
          platform: r.platform as Platform,
          channelId: r.channelId,
          organizationId: r.organizationId,
          tierOverride: r.tierOverride,
        }
      : null;
  }

  async personById(id: number): Promise<PersonRecord | null> {
    const rows = await this.db.select().from(people).where(eq(people.id, id));
    return rows[0] ? personFromRow(rows[0]) : null;
  }

  async personByHandle(handle: string): Promise<PersonRecord | null> {
    const rows = await this.db.select().from(people).where(eq(people.handle, handle));
    return rows[0] ? personFromRow(rows[0]) : null;
  }

  async personByIdentity(platform: Platform, externalId: string): Promise<PersonRecord | null> {
    const rows = await this.db
      .select({ person: people })
      .from(identities)
      .innerJoin(people, eq(people.id, identities.personId))
      .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)));
    return rows[0] ? personFromRow(rows[0].person) : null;
  }

  async identitiesOf(personId: number): Promise<IdentityRecord[]> {
    const rows = await this.db.select().from(identities).where(eq(identities.personId, personId));
    return rows.map((r) => ({
      personId: r.personId,
      platform: r.platform as Platform,
      externalId: r.externalId,
      workspaceId: r.workspaceId,
    }));
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

  async specialists(domain: string): Promise<Array<{ person: PersonRecord; skills: SkillRecord[] }>> {
    const holders = await this.db
      .select({ personId: skills.personId })
      .from(skills)
      .where(eq(skills.domain, domain));
    const ids = holders.map((h) => h.personId);
    if (ids.length === 0) return [];
    const [persons, allSkills] = await Promise.all([
      this.db.select().from(people).where(inArray(people.id, ids)),
      this.db.select().from(skills).where(inArray(skills.personId, ids)),
    ]);
    return persons.map((p) => ({
      person: personFromRow(p),
      skills: allSkills
        .filter((s) => s.personId === p.id)
        .map((s) => ({ personId: s.personId, domain: s.domain, level: s.level, tiers: s.tiers })),
    }));
  }

  async peopleWithRole(role: Role): Promise<PersonRecord[]> {
    const rows = await this.db
      .select()
      .from(people)
      .where(arrayContains(people.roles, [role]));
    return rows.map(personFromRow);
  }
}
