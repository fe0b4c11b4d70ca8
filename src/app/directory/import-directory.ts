import type { DirectoryImport } from '../../config/import-file.js';
import { DomainError } from '../../domain/errors.js';
import { resolveTier } from '../../domain/tier.js';
import type { UnitOfWork } from '../../ports/store.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';

export interface ImportSummary {
  organizations: number;
  channels: number;
  people: number;
  identities: number;
  skills: number;
  rotations: number;
}

async function importOrganizations(uow: UnitOfWork, deps: AppDeps, data: DirectoryImport, s: ImportSummary) {
  const ids = new Map<string, number>();
  for (const o of data.organizations) {
    const { channels, ...facts } = o;
    const tier = resolveTier(deps.policy, { ...facts, tierOverride: facts.tierOverride });
    const org = await uow.admin.upsertOrganization({ ...facts, tier: tier.tier, tierReason: tier.reason });
    ids.set(org.name, org.id);
    s.organizations++;
    for (const c of channels) {
      await uow.admin.linkChannel(c.platform, c.channel, org.id, c.tierOverride ?? null);
      s.channels++;
    }
  }
  return ids;
}

async function importPeople(
  uow: UnitOfWork,
  data: DirectoryImport,
  orgIds: Map<string, number>,
  s: ImportSummary,
) {
  for (const [i, p] of data.people.entries()) {
    let organizationId: number | null = null;
    if (p.organization) {
      organizationId =
        orgIds.get(p.organization) ?? (await uow.directory.organizationByName(p.organization))?.id ?? null;
      if (organizationId === null)
        throw new DomainError(
          'invalid_input',
          `people[${i}].organization: organization "${p.organization}" is neither in the file nor in the database`,
        );
    }
    const person = await uow.admin.upsertPerson({
      handle: p.handle,
      displayName: p.name,
      email: p.email ?? null,
      timezone: p.timezone ?? null,
      organizationId,
      roles: p.roles,
    });
    s.people++;
    for (const id of p.identities) {
      await uow.admin.setIdentity(person.id, id.platform, id.id, id.workspace ?? null);
      s.identities++;
    }
    await uow.admin.replaceSkills(person.id, p.skills);
    s.skills += p.skills.length;
  }
}

/**
 * Loads organizations (tier resolved by the policy), channel links, people with identities and skills,
 * and rotations. Idempotent: re-importing the same file changes nothing. All or nothing.
 */
export function importDirectory(deps: AppDeps, data: DirectoryImport): Promise<Result<ImportSummary>> {
  return inTransaction(deps, async (uow) => {
    const s: ImportSummary = {
      organizations: 0,
      channels: 0,
      people: 0,
      identities: 0,
      skills: 0,
      rotations: 0,
    };
    const orgIds = await importOrganizations(uow, deps, data, s);
    await importPeople(uow, data, orgIds, s);
    for (const r of data.rotations) {
      await uow.admin.upsertRotation(r, 'import');
      s.rotations++;
    }
    return s;
  });
}

/** Makes the stored policy rotations equal to the policy file's (run at start). */
export function syncPolicyRotations(deps: AppDeps): Promise<Result<number>> {
  return inTransaction(deps, async (uow) => {
    const names = Object.keys(deps.policy.rotations);
    const stale = (await uow.admin.rotationNames('policy')).filter((n) => !names.includes(n));
    await uow.admin.deleteRotations(stale);
    for (const r of Object.values(deps.policy.rotations)) await uow.admin.upsertRotation(r, 'policy');
    return names.length;
  });
}
