import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Platform, Role, RotationPolicy } from '../domain/policy.js';
import type { AdminRepository } from '../ports/admin.js';
import type { OrganizationRecord, PersonRecord } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { organizationFromRow, personFromRow } from './directory-repo.js';
import {
  channelLinks,
  identities,
  oncallOverrides,
  oncallRotations,
  organizations,
  people,
  skills,
} from './schema/index.js';

export class DrizzleAdminRepository implements AdminRepository {
  constructor(private readonly db: DbOrTx) {}

  async upsertOrganization(o: Omit<OrganizationRecord, 'id'>): Promise<OrganizationRecord> {
    const rows = await this.db
      .insert(organizations)
      .values(o)
      .onConflictDoUpdate({ target: organizations.name, set: { ...o, updatedAt: sql`now()` } })
      .returning();
    return organizationFromRow(rows[0]!);
  }

  async linkChannel(
    platform: Platform,
    channelId: string,
    organizationId: number,
    tierOverride: string | null,
  ): Promise<void> {
    await this.db
      .insert(channelLinks)
      .values({ platform, channelId, organizationId, tierOverride })
      .onConflictDoUpdate({
        target: [channelLinks.platform, channelLinks.channelId],
        set: { organizationId, tierOverride },
      });
  }

  async unlinkChannel(platform: Platform, channelId: string): Promise<boolean> {
    const rows = await this.db
      .delete(channelLinks)
      .where(and(eq(channelLinks.platform, platform), eq(channelLinks.channelId, channelId)))
      .returning({ id: channelLinks.id });
    return rows.length > 0;
  }

  async upsertPerson(p: Omit<PersonRecord, 'id'>): Promise<PersonRecord> {
    const rows = await this.db
      .insert(people)
      .values(p)
      .onConflictDoUpdate({ target: people.handle, set: { ...p, updatedAt: sql`now()` } })
      .returning();
    return personFromRow(rows[0]!);
  }

  async setIdentity(
    personId: number,
    platform: Platform,
    externalId: string,
    workspaceId: string | null,
  ): Promise<void> {
    await this.db
      .insert(identities)
      .values({ personId, platform, externalId, workspaceId })
      .onConflictDoUpdate({
        target: [identities.platform, identities.externalId],
        set: { personId, workspaceId },
      });
  }

  async replaceSkills(
    personId: number,
    list: Array<{ domain: string; level: number; tiers: string[] }>,
  ): Promise<void> {
    await this.db.delete(skills).where(eq(skills.personId, personId));
    if (list.length > 0) await this.db.insert(skills).values(list.map((s) => ({ ...s, personId })));
  }

  async upsertRotation(r: RotationPolicy, source: 'policy' | 'import'): Promise<void> {
    await this.db
      .insert(oncallRotations)
      .values({ name: r.name, definition: r, source })
      .onConflictDoUpdate({
        target: oncallRotations.name,
        set: { definition: r, source, updatedAt: sql`now()` },
      });
  }

  async rotationNames(source: 'policy' | 'import'): Promise<string[]> {
    const rows = await this.db
      .select({ name: oncallRotations.name })
      .from(oncallRotations)
      .where(eq(oncallRotations.source, source));
    return rows.map((r) => r.name);
  }

  async deleteRotations(names: string[]): Promise<void> {
    if (names.length > 0) await this.db.delete(oncallRotations).where(inArray(oncallRotations.name, names));
  }

  async peopleByHandles(handles: string[]): Promise<PersonRecord[]> {
    if (handles.length === 0) return [];
    const rows = await this.db.select().from(people).where(inArray(people.handle, handles));
    return rows.map(personFromRow);
  }

  async allOrganizations(): Promise<OrganizationRecord[]> {
    const rows = await this.db.select().from(organizations);
    return rows.map(organizationFromRow);
  }

  async addOverride(o: {
    rotation: string;
    personId: number;
    from: number;
    to: number;
    createdBy: number;
  }): Promise<void> {
    await this.db.insert(oncallOverrides).values({
      rotation: o.rotation,
      personId: o.personId,
      startsAt: new Date(o.from),
      endsAt: new Date(o.to),
      createdBy: o.createdBy,
    });
  }

  async setRoles(personId: number, roles: Role[]): Promise<void> {
    await this.db.update(people).set({ roles, updatedAt: sql`now()` }).where(eq(people.id, personId));
  }
}
