import { DateTime } from 'luxon';
import type {
  CalendarSpec,
  OpeningInterval,
  PolicySnapshot,
  Priority,
  PriorityTargets,
  Weekday,
} from '../../../src/domain/policy.js';

export const NY = 'America/New_York';
export const BERLIN = 'Europe/Berlin';

/** Epoch ms of a local ISO date-time in `zone`. */
export function at(iso: string, zone = NY): number {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) throw new Error(`bad ISO ${iso}`);
  return dt.toMillis();
}

/** Epoch ms of a UTC ISO instant. */
export function utc(iso: string): number {
  return at(iso, 'utc');
}

export function weekly(
  days: Partial<Record<Weekday, OpeningInterval[]>>,
): Record<Weekday, OpeningInterval[]> {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], ...days };
}

export function weekdays(start: string, end: string): Record<Weekday, OpeningInterval[]> {
  const iv = [{ start, end }];
  return weekly({ mon: iv, tue: iv, wed: iv, thu: iv, fri: iv });
}

export function everyDay(intervals: OpeningInterval[]): Record<Weekday, OpeningInterval[]> {
  return weekly({
    mon: intervals,
    tue: intervals,
    wed: intervals,
    thu: intervals,
    fri: intervals,
    sat: intervals,
    sun: intervals,
  });
}

export function calendar(partial: Partial<CalendarSpec> = {}): CalendarSpec {
  return {
    name: 'business',
    timezone: NY,
    alwaysOpen: false,
    weekly: weekdays('09:00', '17:00'),
    holidays: [],
    ...partial,
  };
}

export const ALWAYS: CalendarSpec = calendar({ name: '24x7', alwaysOpen: true, weekly: weekly({}) });

export function targets(
  t: Partial<Record<Priority, Partial<PriorityTargets>>> = {},
): Record<Priority, PriorityTargets> {
  const base = (fr: number, up: number | null, res: number): PriorityTargets => ({
    firstResponseMinutes: fr,
    updateMinutes: up,
    resolutionMinutes: res,
  });
  return {
    P1: { ...base(30, 60, 240), ...t.P1 },
    P2: { ...base(60, 120, 480), ...t.P2 },
    P3: { ...base(240, 480, 1440), ...t.P3 },
    P4: { ...base(480, null, 2400), ...t.P4 },
  };
}

export function snapshot(cal: CalendarSpec, t = targets(), warnAt = [0.5, 0.75]): PolicySnapshot {
  return {
    tier: 'gold',
    tierLabel: 'Gold',
    calendar: cal,
    targets: t,
    warnAt,
    chain: { name: 'default', triggers: ['first_response', 'resolution'], levels: [] },
    entitlements: { pageOnCall: true, pageOutOfHours: false, highestPriority: 'P1' },
  };
}
