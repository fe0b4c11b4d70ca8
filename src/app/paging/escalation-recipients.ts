import type { PageRecipient } from '../../domain/escalation/types.js';
import { whoIsOnCall } from '../../domain/oncall.js';
import type { EscalationChain, EscalationTarget, Platform, RotationPolicy } from '../../domain/policy.js';
import type { PersonRecord, UnitOfWork } from '../../ports/store.js';

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
  // Three rounds of queries however many people the chain names: the rotations; their overrides
  // and the role members, together; then everyone's person row and identities.
  const all = new Map((await uow.rotations.all()).map((r) => [r.name, r]));
  const rotationNames = [
    ...new Set(
      chain.levels.flatMap((l) =>
        'rotation' in l.target && all.has(l.target.rotation) ? [l.target.rotation] : [],
      ),
    ),
  ];
  const roleNames = [...new Set(chain.levels.flatMap((l) => ('role' in l.target ? [l.target.role] : [])))];
  const [overrides, members] = await Promise.all([
    Promise.all(rotationNames.map((name) => uow.rotations.overrides(name, at))),
    Promise.all(roleNames.map((role) => uow.directory.peopleWithRole(role))),
  ]);
  const rotations = new Map<
    string,
    { def: RotationPolicy; overrides: Array<{ person: string; from: number; to: number }> }
  >(rotationNames.map((name, i) => [name, { def: all.get(name)!, overrides: overrides[i]! }]));
  const roles = new Map<string, PersonRecord[]>(roleNames.map((role, i) => [role, members[i]!]));
  const handles = new Set<string>();
  for (const { def, overrides } of rotations.values()) {
    for (const m of def.members) handles.add(m);
    for (const o of [...def.overrides, ...overrides]) handles.add(o.person);
  }
  for (const list of roles.values()) for (const p of list) handles.add(p.handle);
  for (const level of chain.levels)
    if ('people' in level.target) for (const h of level.target.people) handles.add(h);
  const people = await uow.directory.peopleByHandles([...handles]);
  const ids = await uow.directory.identitiesOfPeople([...people.values()].map((p) => p.id));
  const identities = new Map<string, Array<{ platform: Platform; userId: string }>>();
  for (const h of handles) {
    const p = people.get(h);
    identities.set(
      h,
      (p ? (ids.get(p.id) ?? []) : []).map((i) => ({ platform: i.platform, userId: i.externalId })),
    );
  }
  // A flood pages many tickets of one chain at the same instant: each target is resolved once per
  // instant (the shift arithmetic is zoned, and costs more than the rest of a page).
  const resolved = new Map<string, PageRecipient[]>();
  const resolve = (target: EscalationTarget, when: number): PageRecipient[] => {
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
  };
  return {
    resolve(target, when) {
      const key = `${when}|${JSON.stringify(target)}`;
      let hit = resolved.get(key);
      if (!hit) {
        hit = resolve(target, when);
        resolved.set(key, hit);
      }
      return hit;
    },
    accounts(handle, prefer) {
      const list = identities.get(handle) ?? [];
      return [...list.filter((a) => a.platform === prefer), ...list.filter((a) => a.platform !== prefer)];
    },
  };
}

/** Recipient books of one tick, by chain: shared by all its batches, so a flood loads each once. */
export type RecipientBooks = Map<string, Promise<RecipientBook>>;

/**
 * The recipient book of a chain, loaded once per tick (rotations, overrides and identities are the
 * same for every ticket of a chain at the tick's instant). A failed load is not kept.
 */
export function bookFor(uow: UnitOfWork, chain: EscalationChain, now: number, books: RecipientBooks) {
  const key = JSON.stringify(chain);
  let loading = books.get(key);
  if (!loading) {
    loading = loadRecipientBook(uow, chain, now);
    books.set(key, loading);
    loading.catch(() => books.delete(key));
  }
  return loading;
}
