import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessMs,
  deadline,
  deadlines,
  isOpen,
  nextOpenInstant,
  openIntervals,
} from '../../../src/domain/sla/calendar.js';
import { propertyRuns } from '../../support/property.js';
import { calendarCaseArb, pausesArb, targetArb, weeklyOpenMinutes } from './arbitraries.js';
import { MIN, OracleCalendar, oracleBusinessMs, oracleDeadline, oracleIntervals } from './oracle.js';

/** Keeps deadlines within a few weeks so the minute-stepping oracle stays fast. */
const deadlineCaseArb = calendarCaseArb.chain((c) =>
  fc.record({
    cal: fc.constant(c.cal),
    start: fc.constant(c.start),
    targetMs: targetArb.map((t) => Math.min(t, 2 * weeklyOpenMinutes(c.cal) * MIN)),
    pauses: pausesArb(c.start),
  }),
);

const windowCaseArb = calendarCaseArb.chain((c) =>
  fc.record({
    cal: fc.constant(c.cal),
    start: fc.constant(c.start),
    minutes: fc.integer({ min: 0, max: 2 * 1440 }),
    pauses: pausesArb(c.start),
    probes: fc.array(fc.integer({ min: 0, max: 2 * 1440 * MIN - 1 }), { maxLength: 5 }),
  }),
);

describe('calendar against the minute-stepping oracle', () => {
  it('deadline equals the oracle deadline (DST days, holidays, pauses, open-ended pauses)', () => {
    fc.assert(
      fc.property(deadlineCaseArb, ({ cal, start, targetMs, pauses }) => {
        const oracle = new OracleCalendar(cal);
        const expected = oracleDeadline(oracle, start, targetMs, pauses);
        expect(deadline(cal, start, targetMs, pauses)).toBe(expected);
        const half = Math.floor(targetMs / 2);
        expect(deadlines(cal, start, [targetMs, half], pauses)).toEqual([
          expected,
          oracleDeadline(oracle, start, half, pauses),
        ]);
        if (expected !== null && targetMs > 0)
          expect(businessMs(cal, start, expected, pauses)).toBe(targetMs);
      }),
      { numRuns: propertyRuns(4000) },
    );
  }, 60_000);

  it('openIntervals, isOpen, businessMs and nextOpenInstant agree with the oracle over a window', () => {
    fc.assert(
      fc.property(windowCaseArb, ({ cal, start, minutes, pauses, probes }) => {
        const oracle = new OracleCalendar(cal);
        const end = start + minutes * MIN;
        expect(openIntervals(cal, start, end)).toEqual(oracleIntervals(oracle, start, end));
        expect(businessMs(cal, start, end, pauses)).toBe(oracleBusinessMs(oracle, start, end, pauses));
        expect(nextOpenInstant(cal, start)).toBe(oracleDeadline(oracle, start, 0));
        for (const offset of probes) {
          const t = start + offset;
          expect(isOpen(cal, t)).toBe(oracle.open(t - (t % MIN)));
        }
      }),
      { numRuns: propertyRuns(3000) },
    );
  }, 60_000);
});
