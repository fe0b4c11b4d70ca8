import type {
  CalendarSpec,
  Policy,
  PriorityTargets,
  RotationPolicy,
  TierPolicy,
  Weekday,
} from '../../../src/domain/policy.js';

/** A complete, valid policy for domain tests. Every call returns a fresh object; patch what a test needs. */

const targets = (fr: number, upd: number | null, res: number): PriorityTargets => ({
  firstResponseMinutes: fr,
  updateMinutes: upd,
  resolutionMinutes: res,
});

const office: Array<{ start: string; end: string }> = [{ start: '09:00', end: '17:00' }];
const weekdays = (): Record<Weekday, Array<{ start: string; end: string }>> => ({
  mon: [...office],
  tue: [...office],
  wed: [...office],
  thu: [...office],
  fri: [...office],
  sat: [],
  sun: [],
});

export function makeCalendars(): Record<string, CalendarSpec> {
  return {
    always: { name: 'always', timezone: 'UTC', alwaysOpen: true, weekly: weekdays(), holidays: [] },
    office: {
      name: 'office',
      timezone: 'America/New_York',
      alwaysOpen: false,
      weekly: weekdays(),
      holidays: ['2026-12-25'],
    },
  };
}

export function makeTiers(): TierPolicy[] {
  return [
    {
      name: 'enterprise',
      label: 'Enterprise',
      rank: 1,
      criteria: {
        minContractValue: 100_000,
        minMonthlyUsage: 1_000_000,
        criticalityFlags: ['regulated', 'payments'],
        strategic: true,
      },
      calendar: 'always',
      targets: {
        P1: targets(15, 60, 240),
        P2: targets(60, 240, 1440),
        P3: targets(240, null, 4320),
        P4: targets(480, null, 10080),
      },
      warnAt: [0.5, 0.75],
      escalationChain: 'critical',
      entitlements: { pageOnCall: true, pageOutOfHours: true, highestPriority: 'P1' },
    },
    {
      name: 'business',
      label: 'Business',
      rank: 2,
      criteria: { minContractValue: 20_000, minMonthlyUsage: 100_000 },
      calendar: 'office',
      targets: {
        P1: targets(60, 120, 480),
        P2: targets(120, 480, 2880),
        P3: targets(480, null, 7200),
        P4: targets(960, null, 14400),
      },
      warnAt: [0.75],
      escalationChain: 'standard',
      entitlements: { pageOnCall: true, pageOutOfHours: false, highestPriority: 'P1' },
    },
    {
      name: 'starter',
      label: 'Starter',
      rank: 3,
      criteria: {},
      calendar: 'office',
      targets: {
        P1: targets(240, null, 2880),
        P2: targets(480, null, 4320),
        P3: targets(960, null, 10080),
        P4: targets(1440, null, 20160),
      },
      warnAt: [0.75],
      escalationChain: 'standard',
      entitlements: { pageOnCall: false, pageOutOfHours: false, highestPriority: 'P2' },
    },
  ];
}

export function makeRotation(patch: Partial<RotationPolicy> = {}): RotationPolicy {
  return {
    name: 'sre-primary',
    timezone: 'America/New_York',
    shiftHours: 168,
    handoff: '09:00',
    startDate: '2026-01-05',
    members: ['alice', 'bob', 'carol'],
    overrides: [],
    ...patch,
  };
}

export function makePolicy(patch: Partial<Policy> = {}): Policy {
  return {
    version: 1,
    calendars: makeCalendars(),
    tiers: makeTiers(),
    domains: [
      {
        name: 'security',
        label: 'Security',
        keywords: ['sso', 'saml', 'vulnerability', '2fa', 'access token'],
        patterns: ['cve-\\d{4}-\\d+'],
      },
      {
        name: 'performance',
        label: 'Performance',
        keywords: ['slow', 'latency', 'timeout'],
        patterns: ['\\d+\\s?ms\\b'],
      },
      {
        name: 'integrations',
        label: 'Integrations',
        keywords: ['webhook', 'api key', 'zapier'],
        patterns: [],
      },
      {
        name: 'data_models',
        label: 'Data models',
        keywords: ['schema', 'migration', 'relationship'],
        patterns: [],
      },
      { name: 'billing', label: 'Billing', keywords: ['invoice', 'refund', 'charge'], patterns: [] },
      { name: 'general', label: 'General', keywords: [], patterns: [] },
    ],
    triage: {
      defaultPriority: 'P3',
      defaultDomain: 'general',
      criticalSystemBoost: 1,
      priorityRules: [
        {
          priority: 'P1',
          keywords: ['outage', 'down', 'sev-1', 'p1', 'data loss'],
          patterns: ['\\b5\\d\\d errors?\\b'],
        },
        { priority: 'P2', keywords: ['degraded', 'error', 'broken'], patterns: [] },
        { priority: 'P4', keywords: ['feature request', 'question', 'how do i'], patterns: [] },
      ],
    },
    queues: [
      {
        name: 'sev1',
        label: 'Sev-1 war room',
        channels: { slack: 'C-SEV1' },
        domains: ['*'],
        tiers: ['enterprise'],
        priorities: ['P1'],
        timezone: 'UTC',
        digestAt: null,
      },
      {
        name: 'security',
        label: 'Security',
        channels: { slack: 'C-SEC' },
        domains: ['security'],
        tiers: [],
        priorities: [],
        timezone: 'UTC',
        digestAt: '09:00',
      },
      {
        name: 'platform',
        label: 'Platform',
        channels: { slack: 'C-PLAT', discord: 'D-PLAT' },
        domains: ['performance', 'integrations', 'data_models'],
        tiers: ['enterprise', 'business'],
        priorities: [],
        timezone: 'Europe/Berlin',
        digestAt: null,
      },
      {
        name: 'billing',
        label: 'Billing',
        channels: { slack: 'C-BILL' },
        domains: ['billing'],
        tiers: [],
        priorities: ['P2', 'P3', 'P4'],
        timezone: 'UTC',
        digestAt: null,
      },
      {
        name: 'general',
        label: 'General',
        channels: { slack: 'C-GEN', discord: 'D-GEN', sandbox: 'S-GEN' },
        domains: ['*'],
        tiers: [],
        priorities: [],
        timezone: 'UTC',
        digestAt: '08:30',
      },
    ],
    escalationChains: {
      critical: {
        name: 'critical',
        triggers: ['first_response', 'next_update', 'resolution'],
        levels: [
          {
            name: 'primary',
            target: { rotation: 'sre-primary' },
            ackWaitMinutes: 15,
            repeat: 1,
            notifyQueue: true,
          },
          { name: 'lead', target: { role: 'lead' }, ackWaitMinutes: 10, repeat: 0, notifyQueue: true },
          { name: 'cto', target: { people: ['cto'] }, ackWaitMinutes: 30, repeat: 0, notifyQueue: false },
        ],
      },
      standard: {
        name: 'standard',
        triggers: ['first_response', 'resolution'],
        levels: [
          {
            name: 'primary',
            target: { rotation: 'sre-primary' },
            ackWaitMinutes: 30,
            repeat: 0,
            notifyQueue: true,
          },
          { name: 'lead', target: { role: 'lead' }, ackWaitMinutes: 30, repeat: 0, notifyQueue: true },
        ],
      },
    },
    rotations: { 'sre-primary': makeRotation() },
    lifecycle: { autoCloseDays: 7, autoCloseWarningHours: 24 },
    ...patch,
  };
}

/** The named tier of a policy; throws in a test that names a tier the fixture lacks. */
export function tierOf(policy: Policy, name: string): TierPolicy {
  const tier = policy.tiers.find((t) => t.name === name);
  if (!tier) throw new Error(`fixture has no tier ${name}`);
  return tier;
}
