import type { PageRecipient } from '../domain/escalation/types.js';
import { whoIsOnCall } from '../domain/oncall.js';
import type { EscalationChain, EscalationTarget, Platform, RotationPolicy } from '../domain/policy.js';
import type { PersonRecord, UnitOfWork } from '../ports/store.js';

/** Everything needed to resolve a chain's targets synchronously at the instant of paging. */
export interface RecipientBook {
  resolve(target: EscalationTarget, at: number): PageRecipient[];
  /** Platform accounts of a person (by handle), preferred platform first. */
  accounts(handle: string, prefer: Platform): Array<{ platform: Platform; userId: string }>;
}

/** Preloads rotations, overrides, role members and identities for one chain (one tick, one batch). */
export async function loadRecipientBook(
  uow: UnitOfWork,
  chain: EscalationChain,
  at: number,
): Promise<RecipientBook> {
  const rotations = new Map<
    string,
    { def: RotationPolicy; overrides: Array<{ person: string; from: number; to: number }> }
  >();
  const roles = new Map<string, PersonRecord[]>();
  const all = new Map((await uow.rotations.all()).map((r) => [r.name, r]));
  for (const level of chain.levels) {
    const t = level.target;
    if ('rotation' in t && !rotations.has(t.rotation)) {
      const def = all.get(t.rotation);
      if (def) rotations.set(t.rotation, { def, overrides: await uow.rotations.overrides(t.rotation, at) });
    } else if ('role' in t && !roles.has(t.role))
      roles.set(t.role, await uow.directory.peopleWithRole(t.role));
  }
  const handles = new Set<string>();
  for (const { def, overrides } of rotations.values()) {
    for (const m of def.members) handles.add(m);
    for (const o of [...def.overrides, ...overrides]) handles.add(o.person);
  }
  for (const list of roles.values()) for (const p of list) handles.add(p.handle);
  for (const level of chain.levels)
    if ('people' in level.target) for (const h of level.target.people) handles.add(h);
  const identities = new Map<string, Array<{ platform: Platform; userId: string }>>();
  for (const h of handles) {
    const p = await uow.directory.personByHandle(h);
    const ids = p ? await uow.directory.identitiesOf(p.id) : [];
    identities.set(
      h,
      ids.map((i) => ({ platform: i.platform, userId: i.externalId })),
    );
  }
  return {
    resolve(target, when) {
      if ('rotation' in target) {
        const r = rotations.get(target.rotation);
        const slot = r ? whoIsOnCall(r.def, when, r.overrides) : null;
        return slot?.person
          ? [
              {
                person: slot.person,
                reason: `on call for ${target.rotation}${slot.via === 'override' ? ' (override)' : ''}`,
              },
            ]
          : [];
      }
      if ('role' in target)
        return (roles.get(target.role) ?? []).map((p) => ({ person: p.handle, reason: target.role }));
      return target.people.map((person) => ({ person, reason: 'named in the chain' }));
    },
    accounts(handle, prefer) {
      const list = identities.get(handle) ?? [];
      return [...list.filter((a) => a.platform === prefer), ...list.filter((a) => a.platform !== prefer)];
    },
  };
}
