import type { Platform, Role, RotationPolicy } from '../domain/policy.js';
import type { OrganizationRecord, PersonRecord } from './records.js';

/** Writes of directory data (import, /support link). Idempotent upserts keyed by natural names. */
export interface AdminRepository {
  upsertOrganization(o: Omit<OrganizationRecord, 'id'>): Promise<OrganizationRecord>;
  /** Links a channel to an organization; re-linking moves it. */
  linkChannel(
    platform: Platform,
    channelId: string,
    organizationId: number,
    tierOverride: string | null,
  ): Promise<void>;
  /** True when a link existed. */
  unlinkChannel(platform: Platform, channelId: string): Promise<boolean>;
  upsertPerson(p: Omit<PersonRecord, 'id'>): Promise<PersonRecord>;
  /** Binds a platform account to a person (moving it from whoever had it). */
  setIdentity(
    personId: number,
    platform: Platform,
    externalId: string,
    workspaceId: string | null,
  ): Promise<void>;
  replaceSkills(
    personId: number,
    skills: Array<{ domain: string; level: number; tiers: string[] }>,
  ): Promise<void>;
  upsertRotation(r: RotationPolicy, source: 'policy' | 'import'): Promise<void>;
  /** Names of rotations stored with a source. */
  rotationNames(source: 'policy' | 'import'): Promise<string[]>;
  deleteRotations(names: string[]): Promise<void>;
  peopleByHandles(handles: string[]): Promise<PersonRecord[]>;
  allOrganizations(): Promise<OrganizationRecord[]>;
  setRoles(personId: number, roles: Role[]): Promise<void>;
  addOverride(o: {
    rotation: string;
    personId: number;
    from: number;
    to: number;
    createdBy: number;
  }): Promise<void>;
}
