/**
 * The support policy as the domain sees it: plain data, already validated by `src/config/policy.ts`.
 * Times inside are whole minutes of *business* time unless a name says otherwise; instants elsewhere in
 * the domain are epoch milliseconds (UTC).
 */

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
/** P1 is the most urgent. */
export type Priority = (typeof PRIORITIES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const PLATFORMS = ['slack', 'discord', 'sandbox'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const ROLES = ['customer', 'agent', 'specialist', 'oncall', 'lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** An opening interval in local wall-clock time, `HH:MM`; `end` may be `24:00`; never crosses midnight. */
export interface OpeningInterval {
  start: string;
  end: string;
}

export interface CalendarSpec {
  name: string;
  /** IANA zone, e.g. `America/New_York`. */
  timezone: string;
  /** `24x7`: always open; `weekly` and `holidays` are ignored. */
  alwaysOpen: boolean;
  weekly: Record<Weekday, OpeningInterval[]>;
  /** Local dates `YYYY-MM-DD`, closed all day. */
  holidays: string[];
}

export interface PriorityTargets {
  /** Business minutes from creation to the first public agent reply. */
  firstResponseMinutes: number;
  /** Business minutes between public agent replies while open; null = no cadence promised. */
  updateMinutes: number | null;
  /** Business minutes from creation to resolution (resolved and waiting time excluded). */
  resolutionMinutes: number;
}

/** An organization qualifies for a tier when it meets ANY of the criteria given. */
export interface TierCriteria {
  minContractValue?: number | undefined;
  minMonthlyUsage?: number | undefined;
  /** Qualifies when the organization has at least one of these flags. */
  criticalityFlags?: string[] | undefined;
  /** Qualifies when the organization is marked strategic. */
  strategic?: boolean | undefined;
}

export interface TierEntitlements {
  /** May escalations page an on-call engineer at all. */
  pageOnCall: boolean;
  /** May pages go out while the tier's calendar is closed (nights, weekends, holidays). */
  pageOutOfHours: boolean;
  /** The most urgent priority this tier's tickets may take; more urgent triage results are capped. */
  highestPriority: Priority;
}

export interface TierPolicy {
  name: string;
  label: string;
  /** 1 is the highest tier. Ranks are unique. */
  rank: number;
  criteria: TierCriteria;
  calendar: string;
  targets: Record<Priority, PriorityTargets>;
  /** Fractions of a target (0 < f < 1) at which the queue is warned, in business time. */
  warnAt: number[];
  escalationChain: string;
  entitlements: TierEntitlements;
}

export interface DomainRule {
  name: string;
  label: string;
  /** Case-insensitive whole-word keywords or phrases. */
  keywords: string[];
  /** Case-insensitive regular expressions (source text). */
  patterns: string[];
}

export interface PriorityRule {
  priority: Priority;
  keywords: string[];
  patterns: string[];
}

export interface TriagePolicy {
  defaultPriority: Priority;
  defaultDomain: string;
  /** Checked in order; the most urgent matching rule wins. */
  priorityRules: PriorityRule[];
  /** Levels a priority is raised when the message names one of the organization's critical systems. */
  criticalSystemBoost: number;
}

export interface QueuePolicy {
  name: string;
  label: string;
  /** Channel id of this queue per platform. */
  channels: Partial<Record<Platform, string>>;
  /** Domains served; `*` serves all. */
  domains: string[];
  /** Tiers served; empty = all. */
  tiers: string[];
  /** Priorities served; empty = all. */
  priorities: Priority[];
  timezone: string;
  /** Local time `HH:MM` of the daily digest; null = none. */
  digestAt: string | null;
}

export type EscalationTarget = { rotation: string } | { role: Role } | { people: string[] };

export interface EscalationLevel {
  name: string;
  target: EscalationTarget;
  /** Wall-clock minutes to wait for an acknowledgement before paging again or moving on. */
  ackWaitMinutes: number;
  /** Extra pages at this level before the next level (0 = page once). */
  repeat: number;
  /** Also mention the target in the ticket's queue channel. */
  notifyQueue: boolean;
}

export interface EscalationChain {
  name: string;
  /** Which clocks start the chain when they breach. */
  triggers: Array<'first_response' | 'next_update' | 'resolution'>;
  levels: EscalationLevel[];
}

export interface RotationOverride {
  person: string;
  /** ISO-8601 instants. */
  from: string;
  to: string;
}

export interface RotationPolicy {
  name: string;
  timezone: string;
  /** Shift length in wall-clock hours (handoffs stay at the same local time across DST). */
  shiftHours: number;
  /** Local `HH:MM` of the first handoff on `startDate`. */
  handoff: string;
  /** Local date `YYYY-MM-DD` when `members[0]` starts. */
  startDate: string;
  /** Person handles, in rotation order. */
  members: string[];
  overrides: RotationOverride[];
}

export interface LifecyclePolicy {
  /** Days a resolved ticket stays resolved before it closes. */
  autoCloseDays: number;
  /** Hours before auto-close at which the customer is warned. */
  autoCloseWarningHours: number;
}

export interface Policy {
  version: 1;
  calendars: Record<string, CalendarSpec>;
  tiers: TierPolicy[];
  domains: DomainRule[];
  triage: TriagePolicy;
  queues: QueuePolicy[];
  escalationChains: Record<string, EscalationChain>;
  rotations: Record<string, RotationPolicy>;
  lifecycle: LifecyclePolicy;
}

/**
 * What a ticket freezes when it opens: later policy edits never move a running ticket.
 * Everything SLA and escalation evaluation needs, and nothing else.
 */
export interface PolicySnapshot {
  tier: string;
  tierLabel: string;
  calendar: CalendarSpec;
  targets: Record<Priority, PriorityTargets>;
  warnAt: number[];
  chain: EscalationChain;
  entitlements: TierEntitlements;
}

export function priorityIndex(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** The more urgent of two priorities. */
export function moreUrgent(a: Priority, b: Priority): Priority {
  return priorityIndex(a) <= priorityIndex(b) ? a : b;
}

export function snapshotPolicy(policy: Policy, tierName: string): PolicySnapshot {
  const tier = policy.tiers.find((t) => t.name === tierName);
  if (!tier) throw new Error(`unknown tier ${tierName}`);
  const calendar = policy.calendars[tier.calendar];
  const chain = policy.escalationChains[tier.escalationChain];
  if (!calendar || !chain) throw new Error(`tier ${tierName} references a missing calendar or chain`);
  return {
    tier: tier.name,
    tierLabel: tier.label,
    calendar,
    targets: tier.targets,
    warnAt: [...tier.warnAt].sort((a, b) => a - b),
    chain,
    entitlements: tier.entitlements,
  };
}
