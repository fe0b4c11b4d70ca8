import type { PolicyFile } from './policy-schema.js';
import type { RawIssue } from './yaml-file.js';

function duplicates<T>(items: T[], key: (t: T) => string | number): Array<[number, string | number]> {
  const seen = new Set<string | number>();
  const out: Array<[number, string | number]> = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) out.push([i, k]);
    seen.add(k);
  });
  return out;
}

function checkTiers(p: PolicyFile, issues: RawIssue[]): void {
  for (const [i, n] of duplicates(p.tiers, (t) => t.name))
    issues.push({ path: ['tiers', i, 'name'], message: `tier name "${n}" is used twice` });
  for (const [i, r] of duplicates(p.tiers, (t) => t.rank))
    issues.push({
      path: ['tiers', i, 'rank'],
      message: `rank ${r} is used by two tiers; ranks must be unique`,
    });
  p.tiers.forEach((t, i) => {
    if (!p.calendars[t.calendar])
      issues.push({
        path: ['tiers', i, 'calendar'],
        message: `calendar "${t.calendar}" is not defined under calendars (defined: ${Object.keys(p.calendars).join(', ') || 'none'})`,
      });
    if (!p.escalationChains[t.escalationChain])
      issues.push({
        path: ['tiers', i, 'escalationChain'],
        message: `escalation chain "${t.escalationChain}" is not defined under escalationChains`,
      });
  });
}

function checkCalendars(p: PolicyFile, issues: RawIssue[]): void {
  for (const [key, cal] of Object.entries(p.calendars)) {
    const intervals = Object.values(cal.hours).flat();
    if (!cal.alwaysOpen && intervals.length === 0)
      issues.push({
        path: ['calendars', key, 'hours'],
        message: 'a calendar that is not alwaysOpen needs at least one opening interval in the week',
      });
    for (const [day, list] of Object.entries(cal.hours)) {
      const sorted = [...(list ?? [])].sort();
      for (let j = 1; j < sorted.length; j++) {
        const prevEnd = sorted[j - 1]!.split('-')[1]!;
        if (sorted[j]!.split('-')[0]! < prevEnd)
          issues.push({
            path: ['calendars', key, 'hours', day],
            message: `intervals ${sorted[j - 1]} and ${sorted[j]} overlap`,
          });
      }
    }
  }
}

function checkTriageAndQueues(p: PolicyFile, issues: RawIssue[]): void {
  const domains = new Set(p.domains.map((d) => d.name));
  const tiers = new Set(p.tiers.map((t) => t.name));
  for (const [i, n] of duplicates(p.domains, (d) => d.name))
    issues.push({ path: ['domains', i, 'name'], message: `domain name "${n}" is used twice` });
  if (!domains.has(p.triage.defaultDomain))
    issues.push({
      path: ['triage', 'defaultDomain'],
      message: `domain "${p.triage.defaultDomain}" is not defined under domains`,
    });
  for (const [i, n] of duplicates(p.queues, (q) => q.name))
    issues.push({ path: ['queues', i, 'name'], message: `queue name "${n}" is used twice` });
  p.queues.forEach((q, i) => {
    q.domains.forEach((d, j) => {
      if (d !== '*' && !domains.has(d))
        issues.push({
          path: ['queues', i, 'domains', j],
          message: `domain "${d}" is not defined under domains`,
        });
    });
    q.tiers.forEach((t, j) => {
      if (!tiers.has(t))
        issues.push({ path: ['queues', i, 'tiers', j], message: `tier "${t}" is not defined under tiers` });
    });
  });
  const catchAll = p.queues.some(
    (q) => q.domains.includes('*') && q.tiers.length === 0 && q.priorities.length === 0,
  );
  if (!catchAll)
    issues.push({
      path: ['queues'],
      message:
        'one queue must serve every ticket (domains: ["*"], no tiers or priorities filter) so routing never fails',
    });
}

function checkChainsAndRotations(p: PolicyFile, issues: RawIssue[]): void {
  for (const [key, chain] of Object.entries(p.escalationChains)) {
    chain.levels.forEach((level, i) => {
      if ('rotation' in level.target && !p.rotations[level.target.rotation])
        issues.push({
          path: ['escalationChains', key, 'levels', i, 'target', 'rotation'],
          message: `rotation "${level.target.rotation}" is not defined under rotations`,
        });
    });
  }
}

/** Cross-references the schema alone cannot see: every name used is defined, routing is total. */
export function checkReferences(p: PolicyFile): RawIssue[] {
  const issues: RawIssue[] = [];
  checkTiers(p, issues);
  checkCalendars(p, issues);
  checkTriageAndQueues(p, issues);
  checkChainsAndRotations(p, issues);
  return issues;
}
