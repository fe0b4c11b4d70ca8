import { nextOnCall, whoIsOnCall } from '../../domain/oncall.js';
import type { Platform } from '../../domain/policy.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';

export interface OnCallPerson {
  handle: string;
  name: string;
  /** The person's account on the asking platform, for a mention. */
  platformUserId: string | null;
}

export interface OnCallLine {
  rotation: string;
  timezone: string;
  now: (OnCallPerson & { until: number; via: 'rotation' | 'override' }) | null;
  next: (OnCallPerson & { from: number }) | null;
}

/** Who is on call now and next in every rotation (policy rotations and imported ones). */
export function listOnCall(deps: AppDeps, platform: Platform): Promise<Result<OnCallLine[]>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const person = async (handle: string | null): Promise<OnCallPerson | null> => {
      if (!handle) return null;
      const p = await uow.directory.personByHandle(handle);
      const ids = p ? await uow.directory.identitiesOf(p.id) : [];
      return {
        handle,
        name: p?.displayName ?? handle,
        platformUserId: ids.find((i) => i.platform === platform)?.externalId ?? null,
      };
    };
    const rotations = (await uow.rotations.all()).sort((a, b) => a.name.localeCompare(b.name));
    const lines: OnCallLine[] = [];
    for (const r of rotations) {
      const overrides = await uow.rotations.overrides(r.name, at);
      const cur = whoIsOnCall(r, at, overrides);
      const nxt = nextOnCall(r, at, overrides);
      const nowP = await person(cur.person);
      const nextP = await person(nxt.person);
      lines.push({
        rotation: r.name,
        timezone: r.timezone,
        now: nowP ? { ...nowP, until: cur.shiftEnd, via: cur.via } : null,
        next: nextP ? { ...nextP, from: nxt.shiftStart } : null,
      });
    }
    return lines;
  });
}
