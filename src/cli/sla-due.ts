import { DateTime } from 'luxon';
import { invalidDateSentence } from '../config/human-errors.js';
import { formatProblem, loadPolicy } from '../config/policy.js';
import { PRIORITIES, type Priority, snapshotPolicy } from '../domain/policy.js';
import { deadlinesFor } from '../domain/sla/clocks.js';
import type { PauseInterval } from '../domain/sla/types.js';
import { type CliIo, UsageError } from './io.js';

function instant(s: string, what: string): number {
  // An ISO-8601 instant with a zone (Z or an offset), so the answer never depends on the machine's zone.
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s))
    throw new UsageError(
      `${what}: "${s}" is not an ISO-8601 instant with a zone (e.g. 2026-03-06T16:30:00-05:00)`,
    );
  const dt = DateTime.fromISO(s, { setZone: true });
  if (!dt.isValid) throw new UsageError(`${what}: ${invalidDateSentence(s, dt)}`);
  return dt.toMillis();
}

function pause(s: string): PauseInterval {
  const [from, to, extra] = s.split('/');
  if (!from || !to || extra !== undefined) throw new UsageError(`--paused: "${s}" is not FROM/TO`);
  const p = { from: instant(from, '--paused FROM'), to: instant(to, '--paused TO') };
  if (p.to <= p.from) throw new UsageError(`--paused: "${s}" ends before it starts`);
  return p;
}

/** The words of `tierdesk sla due`, as given. */
export interface SlaDueQuestion {
  tier: string;
  priority: string;
  /** ISO-8601 with a zone. */
  opened: string;
  /** `FROM/TO` pairs of ISO-8601 instants. */
  paused: string[];
  policyFile: string;
}

/** `tierdesk sla due`: when a ticket of a tier and priority, opened at an instant, is due. */
export function slaDue(q: SlaDueQuestion, io: CliIo): number {
  const priority = q.priority.toUpperCase();
  if (!(PRIORITIES as readonly string[]).includes(priority))
    throw new UsageError(`--priority: "${q.priority}" is not one of ${PRIORITIES.join(', ')}`);
  const opened = instant(q.opened, '--opened');
  const pauses = q.paused.map(pause);
  const loaded = loadPolicy(q.policyFile);
  if (!loaded.ok) {
    for (const p of loaded.problems) io.err(formatProblem(p));
    return 1;
  }
  const tier = loaded.policy.tiers.find((t) => t.name === q.tier);
  if (!tier)
    throw new UsageError(
      `--tier: "${q.tier}" is not a tier of the policy (${loaded.policy.tiers.map((t) => t.name).join(', ')})`,
    );
  const snapshot = snapshotPolicy(loaded.policy, tier.name);
  const due = deadlinesFor(snapshot, priority as Priority, opened, pauses);
  io.out(
    JSON.stringify({
      firstResponseDue: new Date(due.firstResponseDue).toISOString(),
      resolutionDue: due.resolutionDue === null ? null : new Date(due.resolutionDue).toISOString(),
      calendar: tier.calendar,
    }),
  );
  return 0;
}
