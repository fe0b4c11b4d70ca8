import type { CalendarSpec, Policy, Weekday } from '../domain/policy.js';
import { WEEKDAYS } from '../domain/policy.js';
import { checkReferences } from './policy-references.js';
import { type PolicyFile, policyFileSchema } from './policy-schema.js';
import { type FileProblem, formatProblem, parseYamlWith, readTextFile } from './yaml-file.js';

export type PolicyProblem = FileProblem;
export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };
export { formatProblem };

/** Parses and validates policy YAML; never throws on bad input. */
export function parsePolicy(text: string, file: string): PolicyResult {
  const r = parseYamlWith(text, file, policyFileSchema, checkReferences, toDomain);
  return r.ok ? { ok: true, policy: r.value } : r;
}

export function loadPolicy(file: string): PolicyResult {
  const text = readTextFile(file);
  return text.ok ? parsePolicy(text.value, file) : text;
}

function toCalendar(key: string, c: PolicyFile['calendars'][string]): CalendarSpec {
  const weekly = Object.fromEntries(
    WEEKDAYS.map((d) => [
      d,
      (c.hours[d] ?? [])
        .map((s) => {
          const [start, end] = s.split('-') as [string, string];
          return { start, end };
        })
        .sort((a, b) => a.start.localeCompare(b.start)),
    ]),
  ) as Record<Weekday, Array<{ start: string; end: string }>>;
  return {
    name: key,
    timezone: c.timezone,
    alwaysOpen: c.alwaysOpen,
    weekly,
    holidays: [...c.holidays].sort(),
  };
}

function toDomain(p: PolicyFile): Policy {
  const t = (x: PolicyFile['tiers'][number]['targets']['P1']) => ({
    firstResponseMinutes: x.firstResponse,
    updateMinutes: x.update,
    resolutionMinutes: x.resolution,
  });
  return {
    version: 1,
    calendars: Object.fromEntries(Object.entries(p.calendars).map(([k, c]) => [k, toCalendar(k, c)])),
    tiers: p.tiers
      .map((tier) => ({
        ...tier,
        targets: {
          P1: t(tier.targets.P1),
          P2: t(tier.targets.P2),
          P3: t(tier.targets.P3),
          P4: t(tier.targets.P4),
        },
        warnAt: [...new Set(tier.warnAt)].sort((a, b) => a - b),
      }))
      .sort((a, b) => a.rank - b.rank),
    domains: p.domains,
    triage: p.triage,
    queues: p.queues,
    escalationChains: Object.fromEntries(
      Object.entries(p.escalationChains).map(([k, c]) => [k, { name: k, ...c }]),
    ),
    rotations: Object.fromEntries(Object.entries(p.rotations).map(([k, r]) => [k, { name: k, ...r }])),
    lifecycle: p.lifecycle,
  };
}
