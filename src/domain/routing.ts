import { DomainError } from './errors.js';
import type { Policy, Priority, QueuePolicy } from './policy.js';

/** A person who could take a ticket, as the app layer loads them. */
export interface Candidate {
  handle: string;
  skills: Array<{
    domain: string;
    /** 1 (basic) to 5 (expert). */
    level: number;
    /** Tiers this skill is qualified to serve; empty = all tiers. */
    tiers: string[];
  }>;
  /** Tickets currently assigned and not resolved. */
  openLoad: number;
  available: boolean;
}

/** The queue a ticket goes to and why. */
export interface QueueChoice {
  queue: QueuePolicy;
  reasons: string[];
}

/** A specialist in ranking order; higher `score` is better (see `rankSpecialists`). */
export interface RankedSpecialist {
  handle: string;
  score: number;
  reasons: string[];
}

/** What routing needs to know about a ticket. */
export interface RoutingFacts {
  tier: string;
  domain: string;
  priority: Priority;
}

const servesTier = (q: QueuePolicy, tier: string): boolean => q.tiers.length === 0 || q.tiers.includes(tier);
const servesPriority = (q: QueuePolicy, p: Priority): boolean =>
  q.priorities.length === 0 || q.priorities.includes(p);

function matchReasons(q: QueuePolicy, t: RoutingFacts, explicit: boolean): string[] {
  const reasons = [
    explicit
      ? `domain ${t.domain} → ${q.name} queue`
      : `no ${t.domain} queue takes tier ${t.tier} at ${t.priority}; ${q.name} serves all domains`,
    q.tiers.length === 0 ? `${q.name} serves all tiers` : `tier ${t.tier} served by ${q.name}`,
  ];
  if (q.priorities.length > 0) reasons.push(`priority ${t.priority} served by ${q.name}`);
  return reasons;
}

/**
 * Picks the queue for a ticket: the first queue (policy order) that names the domain and serves the
 * tier and priority; failing that, the first such queue serving `*`. If no queue accepts the ticket,
 * the LAST queue serving `*` takes it regardless of its tier and priority filters (the catch-all
 * convention: the general queue is listed last).
 *
 * @throws DomainError `not_found` when nothing matches and no queue serves `*`.
 */
export function chooseQueue(policy: Policy, t: RoutingFacts): QueueChoice {
  const accepts = (q: QueuePolicy) => servesTier(q, t.tier) && servesPriority(q, t.priority);
  const explicit = policy.queues.find((q) => q.domains.includes(t.domain) && accepts(q));
  if (explicit) return { queue: explicit, reasons: matchReasons(explicit, t, true) };
  const wildcard = policy.queues.find((q) => q.domains.includes('*') && accepts(q));
  if (wildcard) return { queue: wildcard, reasons: matchReasons(wildcard, t, false) };
  const fallback = policy.queues.findLast((q) => q.domains.includes('*'));
  if (!fallback) {
    throw new DomainError(
      'not_found',
      `No queue accepts ${t.domain} tickets of tier ${t.tier} at ${t.priority}.`,
      {
        ...t,
      },
    );
  }
  return {
    queue: fallback,
    reasons: [
      `no queue serves domain ${t.domain} for tier ${t.tier} at ${t.priority}`,
      `fell back to catch-all queue ${fallback.name}`,
    ],
  };
}

interface Assessed {
  handle: string;
  qualified: boolean;
  level: number;
  openLoad: number;
}

/** The candidate's best skill in the domain, preferring one qualified for the tier. */
function assess(c: Candidate, t: { tier: string; domain: string }): Assessed | null {
  const inDomain = c.skills.filter((s) => s.domain === t.domain);
  if (inDomain.length === 0) return null;
  const qualifiedSkills = inDomain.filter((s) => s.tiers.length === 0 || s.tiers.includes(t.tier));
  const pool = qualifiedSkills.length > 0 ? qualifiedSkills : inDomain;
  return {
    handle: c.handle,
    qualified: qualifiedSkills.length > 0,
    level: Math.max(...pool.map((s) => s.level)),
    openLoad: c.openLoad,
  };
}

/** Qualified first, then level desc, then load asc, then handle by code unit (locale-independent). */
function compareAssessed(a: Assessed, b: Assessed): number {
  if (a.qualified !== b.qualified) return a.qualified ? -1 : 1;
  if (a.level !== b.level) return b.level - a.level;
  if (a.openLoad !== b.openLoad) return a.openLoad - b.openLoad;
  if (a.handle === b.handle) return 0;
  return a.handle < b.handle ? -1 : 1;
}

/**
 * Ranks available candidates with a skill in the ticket's domain, best first: candidates qualified for
 * the tier before all unqualified ones, then skill level (desc), open load (asc), handle (asc). The
 * order is total, so the same candidates in any input order rank identically.
 *
 * `score` = skill level (1..5) + 10 when qualified for the tier: it orders the first two criteria;
 * load and handle break ties. Reasons are separate fragments; join them with ", " for one line
 * ("security level 4, qualified for enterprise, 2 open tickets").
 */
export function rankSpecialists(
  candidates: Candidate[],
  t: { tier: string; domain: string },
): RankedSpecialist[] {
  const assessed = candidates
    .filter((c) => c.available)
    .map((c) => assess(c, t))
    .filter((a): a is Assessed => a !== null)
    .sort(compareAssessed);
  return assessed.map((a) => ({
    handle: a.handle,
    score: a.level + (a.qualified ? 10 : 0),
    reasons: [
      `${t.domain} level ${a.level}`,
      a.qualified ? `qualified for ${t.tier}` : `not qualified for ${t.tier}`,
      `${a.openLoad} open ${a.openLoad === 1 ? 'ticket' : 'tickets'}`,
    ],
  }));
}
