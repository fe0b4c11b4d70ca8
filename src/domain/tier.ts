import { DomainError } from './errors.js';
import type { Policy, TierCriteria, TierPolicy } from './policy.js';

/** What we know about a customer organization when deciding its tier. */
export interface OrgFacts {
  name: string;
  /** Annual contract value, in the policy's currency units. */
  contractValue: number;
  /** Usage in the unit the policy's `minMonthlyUsage` is written in (seats, API calls, …). */
  monthlyUsage: number;
  /** Flags such as `regulated` or `payments`; compared case-insensitively with tier criteria. */
  criticalityFlags: string[];
  strategic: boolean;
  /** A tier name set by hand; wins over every criterion. */
  tierOverride: string | null;
}

/** The tier an organization falls into and one human-readable line saying why. */
export interface TierResolution {
  tier: string;
  reason: string;
}

const formatNumber = (n: number): string => n.toLocaleString('en-US');

/** True when the criteria name at least one condition; a tier without any is a catch-all. */
function hasCriteria(c: TierCriteria): boolean {
  return (
    c.minContractValue !== undefined ||
    c.minMonthlyUsage !== undefined ||
    (c.criticalityFlags?.length ?? 0) > 0 ||
    c.strategic === true
  );
}

/** Every criterion of `c` the organization meets, as reason fragments (empty = no match). */
function metCriteria(c: TierCriteria, org: OrgFacts): string[] {
  const met: string[] = [];
  if (c.minContractValue !== undefined && org.contractValue >= c.minContractValue) {
    met.push(`contract value ${formatNumber(org.contractValue)} ≥ ${formatNumber(c.minContractValue)}`);
  }
  if (c.minMonthlyUsage !== undefined && org.monthlyUsage >= c.minMonthlyUsage) {
    met.push(`monthly usage ${formatNumber(org.monthlyUsage)} ≥ ${formatNumber(c.minMonthlyUsage)}`);
  }
  const orgFlags = new Set(org.criticalityFlags.map((f) => f.toLowerCase()));
  const flags = (c.criticalityFlags ?? []).filter((f) => orgFlags.has(f.toLowerCase()));
  if (flags.length > 0) {
    met.push(`criticality ${flags.length === 1 ? 'flag' : 'flags'} ${flags.map((f) => `'${f}'`).join(', ')}`);
  }
  if (c.strategic === true && org.strategic) met.push('strategic account');
  return met;
}

/**
 * Decides an organization's tier.
 *
 * - A manual override wins when it names an existing tier; an unknown one throws
 *   `DomainError('unknown_tier')` rather than silently falling back.
 * - Otherwise tiers are tried by rank (1 = highest) and the first one whose criteria the organization
 *   meets wins. Criteria are alternatives: meeting ANY of them qualifies. A tier with no criteria at all
 *   matches everyone (the catch-all). The reason lists every criterion met, not only the first.
 * - If nothing matches, the lowest-ranked tier.
 *
 * @throws DomainError `unknown_tier` for an unknown override, `not_found` for a policy without tiers.
 */
export function resolveTier(policy: Policy, org: OrgFacts): TierResolution {
  if (org.tierOverride !== null) {
    const tier = policy.tiers.find((t) => t.name === org.tierOverride);
    if (!tier) {
      throw new DomainError(
        'unknown_tier',
        `The tier override "${org.tierOverride}" is not a tier in the policy.`,
        {
          tier: org.tierOverride,
          org: org.name,
        },
      );
    }
    return { tier: tier.name, reason: `manual override (${tier.name})` };
  }
  const byRank: TierPolicy[] = [...policy.tiers].sort((a, b) => a.rank - b.rank);
  for (const tier of byRank) {
    if (!hasCriteria(tier.criteria)) {
      return { tier: tier.name, reason: `catch-all tier without criteria (${tier.name})` };
    }
    const met = metCriteria(tier.criteria, org);
    if (met.length > 0) return { tier: tier.name, reason: `${met.join('; ')} (${tier.name})` };
  }
  const lowest = byRank.at(-1);
  if (!lowest) throw new DomainError('not_found', 'The policy defines no tiers.');
  return { tier: lowest.name, reason: `meets no tier criteria: lowest tier (${lowest.name})` };
}
