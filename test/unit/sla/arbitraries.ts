/** fast-check generators for calendars, instants and pauses, all on whole minutes. */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { CalendarSpec, OpeningInterval, Weekday } from '../../../src/domain/policy.js';
import { WEEKDAYS } from '../../../src/domain/policy.js';
import type { PauseInterval } from '../../../src/domain/sla/types.js';
import { at, BERLIN, NY, utc } from './helpers.js';
import { MIN } from './oracle.js';

export const ZONES = [NY, BERLIN, 'UTC'] as const;

/** Local dates of every DST transition of 2025–2027 in the two DST zones used. */
export const DST_DAYS: ReadonlyArray<readonly [string, string]> = [
  [NY, '2025-03-09'],
  [NY, '2025-11-02'],
  [NY, '2026-03-08'],
  [NY, '2026-11-01'],
  [NY, '2027-03-14'],
  [NY, '2027-11-07'],
  [BERLIN, '2025-03-30'],
  [BERLIN, '2025-10-26'],
  [BERLIN, '2026-03-29'],
  [BERLIN, '2026-10-25'],
  [BERLIN, '2027-03-28'],
  [BERLIN, '2027-10-31'],
];

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Intervals touching the DST hours, whole days, plus arbitrary minute-aligned ones. */
const intervalArb: fc.Arbitrary<OpeningInterval> = fc.oneof(
  fc
    .constantFrom(
      ['00:00', '24:00'],
      ['01:00', '03:00'],
      ['02:00', '03:00'],
      ['01:30', '02:30'],
      ['02:30', '04:00'],
      ['00:00', '02:30'],
      ['02:15', '24:00'],
      ['01:59', '02:01'],
      ['09:00', '17:00'],
    )
    .map(([start, end]) => ({ start: start!, end: end! })),
  fc
    .tuple(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 0, max: 1440 }))
    .map(([a, b]) =>
      a === b ? [Math.min(a, 1439), Math.min(a, 1439) + 1] : [Math.min(a, b), Math.max(a, b)],
    )
    .map(([s, e]) => ({ start: hhmm(s!), end: hhmm(e!) })),
);

const weeklyArb = fc
  .array(fc.array(intervalArb, { maxLength: 2 }), { minLength: 7, maxLength: 7 })
  .map((days) => {
    if (days.every((d) => d.length === 0)) days[2] = [{ start: '00:00', end: '24:00' }];
    return Object.fromEntries(WEEKDAYS.map((d, i) => [d, days[i]!])) as Record<Weekday, OpeningInterval[]>;
  });

/**
 * Starts concentrated in the 36 hours before and the day of a DST transition of `zone` (any zone's
 * for UTC), else anywhere in 2025–2027.
 */
export function startArb(zone: string): fc.Arbitrary<number> {
  const own = DST_DAYS.filter(([z]) => z === zone);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...(own.length ? own : DST_DAYS)), fc.integer({ min: -36 * 60, max: 1440 }))
        .map(([[z, date], m]) => at(`${date}T00:00`, z) + m * MIN),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: utc('2025-01-01T00:00') / MIN, max: utc('2027-12-31T00:00') / MIN })
        .map((m) => m * MIN),
    },
  );
}

/** Distinct minutes open per week, ignoring holidays and DST. */
export function weeklyOpenMinutes(cal: CalendarSpec): number {
  if (cal.alwaysOpen) return 7 * 1440;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return WEEKDAYS.reduce((sum, d) => {
    const open = new Uint8Array(1440);
    for (const iv of cal.weekly[d]) open.fill(1, toMin(iv.start), toMin(iv.end));
    return sum + open.reduce((a, b) => a + b, 0);
  }, 0);
}

export interface CalendarCase {
  cal: CalendarSpec;
  start: number;
}

/** A random calendar with holidays near a random start instant. */
export const calendarCaseArb: fc.Arbitrary<CalendarCase> = fc
  .constantFrom(...ZONES)
  .chain((timezone) =>
    fc.record({
      start: startArb(timezone),
      timezone: fc.constant(timezone),
      weekly: weeklyArb,
      alwaysOpen: fc.oneof(
        { weight: 1, arbitrary: fc.constant(true) },
        { weight: 12, arbitrary: fc.constant(false) },
      ),
      holidayDays: fc.array(fc.integer({ min: -2, max: 30 }), { maxLength: 5 }),
    }),
  )
  .map(({ start, timezone, weekly, alwaysOpen, holidayDays }) => {
    const local = DateTime.fromMillis(start, { zone: timezone });
    const holidays = holidayDays.map((d) => local.plus({ days: d }).toISODate()!);
    return { start, cal: { name: 'generated', timezone, alwaysOpen, weekly, holidays } };
  });

/** Business targets in ms: mostly whole minutes (0–3000), sometimes with a sub-minute remainder. */
export const targetArb: fc.Arbitrary<number> = fc
  .tuple(
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 3000 })),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: MIN - 1 }) },
    ),
  )
  .map(([minutes, ms]) => minutes * MIN + ms);

/** Up to three disjoint whole-minute pauses around `start`; the last may be open-ended. */
export function pausesArb(start: number): fc.Arbitrary<PauseInterval[]> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 })), {
        maxLength: 3,
      }),
      fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    )
    .map(([spans, openEnded]) => {
      let cursor = start - 300 * MIN;
      const pauses: PauseInterval[] = spans.map(([gap, length]) => {
        const from = cursor + gap * MIN;
        cursor = from + length * MIN;
        return { from, to: cursor };
      });
      const last = pauses[pauses.length - 1];
      if (openEnded && last) last.to = null;
      return pauses;
    });
}
