import { type Policy, PRIORITIES, type PriorityTargets } from '../domain/policy.js';

/**
 * Histogram bounds at every tier's target (each priority), in seconds, ascending, without repeats:
 * for a tier and priority, the bucket at its own target over the count is the share within target.
 * Targets are business minutes, so these are business seconds.
 */
export function targetBuckets(policy: Policy, target: (t: PriorityTargets) => number | null): number[] {
  const seconds = new Set<number>();
  for (const tier of policy.tiers)
    for (const p of PRIORITIES) {
      const minutes = target(tier.targets[p]);
      if (minutes !== null) seconds.add(minutes * 60);
    }
  return [...seconds].sort((a, b) => a - b);
}

/**
 * Bounds at the instants, from an escalation's first page, at which each chain pages again (a
 * repeat or the next level: each level waits `ackWaitMinutes` after every page it sends), in
 * wall-clock seconds: the bucket at the first bound counts acknowledgements before a second page.
 * Deferrals out of hours move real escalations later than these.
 */
export function escalationBuckets(policy: Policy): number[] {
  const seconds = new Set<number>();
  for (const chain of Object.values(policy.escalationChains)) {
    let at = 0;
    for (const level of chain.levels)
      for (let page = 0; page <= level.repeat; page++) {
        at += level.ackWaitMinutes * 60;
        seconds.add(at);
      }
  }
  return [...seconds].sort((a, b) => a - b);
}

/** Real seconds of one SLA tick: from an idle tick's index probe (~1 ms) to a flood's batches. */
export const TICK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
