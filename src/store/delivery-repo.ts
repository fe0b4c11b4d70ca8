import { and, eq, gt, lte } from 'drizzle-orm';
import type { RotationPolicy } from '../domain/policy.js';
import type { RotationRepository } from '../ports/store.js';
import type { DbOrTx } from './db.js';
import { oncallOverrides, oncallRotations, people } from './schema/index.js';

export class DrizzleRotationRepository implements RotationRepository {
  constructor(private readonly db: DbOrTx) {}

  async all(): Promise<RotationPolicy[]> {
    const rows = await this.db.select().from(oncallRotations);
    return rows.map((r) => r.definition);
  }

  async overrides(rotation: string, at: number) {
    const rows = await this.db
      .select({ handle: people.handle, from: oncallOverrides.startsAt, to: oncallOverrides.endsAt })
      .from(oncallOverrides)
      .innerJoin(people, eq(people.id, oncallOverrides.personId))
      .where(
        and(
          eq(oncallOverrides.rotation, rotation),
          gt(oncallOverrides.endsAt, new Date(at)),
          lte(oncallOverrides.startsAt, new Date(at + 90 * 86_400_000)),
        ),
      );
    return rows.map((r) => ({ person: r.handle, from: r.from.getTime(), to: r.to.getTime() }));
  }
}
