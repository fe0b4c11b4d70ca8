import { describe, expect, it } from 'vitest';
import {
  businessMs,
  deadline,
  deadlines,
  isOpen,
  nextOpenInstant,
  openIntervals,
} from '../../../src/domain/sla/calendar.js';
import { ALWAYS, at, BERLIN, calendar, everyDay, utc, weekly } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const business = calendar();

describe('Mon–Fri 09:00–17:00 America/New_York', () => {
  it('a 60-minute target opened Friday 16:30 is due Monday 09:30', () => {
    expect(deadline(business, at('2025-06-13T16:30'), 60 * MIN, [])).toBe(at('2025-06-16T09:30'));
  });

  it('a ticket opened on Saturday starts its clock Monday 09:00', () => {
    const saturday = at('2025-06-14T10:00');
    expect(nextOpenInstant(business, saturday)).toBe(at('2025-06-16T09:00'));
    expect(deadline(business, saturday, 60 * MIN, [])).toBe(at('2025-06-16T10:00'));
    expect(businessMs(business, saturday, at('2025-06-16T09:45'))).toBe(45 * MIN);
  });

  it('a target of 0 is due at the first open instant at or after the start', () => {
    expect(deadline(business, at('2025-06-13T11:07:13.5'), 0, [])).toBe(at('2025-06-13T11:07:13.5'));
    expect(deadline(business, at('2025-06-13T17:00'), 0, [])).toBe(at('2025-06-16T09:00'));
    expect(deadline(business, at('2025-06-13T08:00'), 0, [])).toBe(at('2025-06-13T09:00'));
  });

  it('intervals are half-open: 09:00 is open, 17:00 is closed', () => {
    expect(isOpen(business, at('2025-06-13T09:00'))).toBe(true);
    expect(isOpen(business, at('2025-06-13T16:59:59.999'))).toBe(true);
    expect(isOpen(business, at('2025-06-13T17:00'))).toBe(false);
    expect(isOpen(business, at('2025-06-14T12:00'))).toBe(false);
    expect(nextOpenInstant(business, at('2025-06-13T12:00'))).toBe(at('2025-06-13T12:00'));
  });

  it('holidays are closed all day', () => {
    const july = calendar({ holidays: ['2025-07-04'] });
    expect(deadline(july, at('2025-07-03T16:00'), 120 * MIN, [])).toBe(at('2025-07-07T10:00'));
    expect(isOpen(july, at('2025-07-04T12:00'))).toBe(false);
  });

  it('lists open intervals clipped to the range, merged across midnight', () => {
    expect(openIntervals(business, at('2025-06-13T12:00'), at('2025-06-16T10:00'))).toEqual([
      [at('2025-06-13T12:00'), at('2025-06-13T17:00')],
      [at('2025-06-16T09:00'), at('2025-06-16T10:00')],
    ]);
    const nights = calendar({
      weekly: everyDay([
        { start: '00:00', end: '02:00' },
        { start: '22:00', end: '24:00' },
      ]),
    });
    expect(openIntervals(nights, at('2025-06-13T12:00'), at('2025-06-14T12:00'))).toEqual([
      [at('2025-06-13T22:00'), at('2025-06-14T02:00')],
    ]);
    expect(openIntervals(business, 5, 5)).toEqual([]);
  });

  it('counts paused business time out and computes deadlines around pauses', () => {
    const monday = at('2025-06-16T09:00');
    const pause = { from: at('2025-06-16T10:00'), to: at('2025-06-16T11:30') };
    expect(businessMs(business, monday, at('2025-06-16T17:00'), [pause])).toBe(6.5 * HOUR);
    expect(deadline(business, monday, 2 * HOUR, [pause])).toBe(at('2025-06-16T12:30'));
    expect(deadline(business, monday, 2 * HOUR, [{ from: at('2025-06-16T10:00'), to: null }])).toBeNull();
    expect(deadline(business, monday, HOUR, [{ from: at('2025-06-16T10:00'), to: null }])).toBe(
      at('2025-06-16T10:00'),
    );
    expect(deadline(business, monday, 0, [{ from: at('2025-06-15T10:00'), to: null }])).toBeNull();
    expect(
      businessMs(business, monday, at('2025-06-17T17:00'), [{ from: at('2025-06-16T16:00'), to: null }]),
    ).toBe(7 * HOUR);
  });

  it('computes several targets in one walk, in the order given', () => {
    const start = at('2025-06-13T16:30');
    expect(deadlines(business, start, [60 * MIN, 0, 30 * MIN], [])).toEqual([
      at('2025-06-16T09:30'),
      start,
      at('2025-06-13T17:00'),
    ]);
  });

  it('computes a 10,000-business-minute deadline in well under a millisecond', () => {
    const start = at('2025-01-06T09:00');
    const expected = deadline(business, start, 10_000 * MIN, []);
    expect(businessMs(business, start, expected!)).toBe(10_000 * MIN);
    const runs = 2_000;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) deadline(business, start + i * 7 * MIN, 10_000 * MIN, []);
    expect((performance.now() - t0) / runs).toBeLessThan(0.25);
  });

  it('rejects calendars that are never open instead of looping', () => {
    const never = calendar({ weekly: weekly({}) });
    expect(() => deadline(never, at('2025-06-13T12:00'), MIN, [])).toThrow(/no opening hours/);
    expect(() =>
      nextOpenInstant(calendar({ weekly: weekly({ mon: [{ start: '10:00', end: '10:00' }] }) }), 0),
    ).toThrow(/no opening hours/);
    expect(() => deadline(calendar({ timezone: 'Mars/Olympus' }), 0, MIN, [])).toThrow(/time zone/);
  });
});

describe('24x7', () => {
  it('is always open: deadlines are plain real time minus pauses', () => {
    const start = utc('2025-03-09T05:00');
    expect(isOpen(ALWAYS, start)).toBe(true);
    expect(deadline(ALWAYS, start, 90 * MIN, [])).toBe(start + 90 * MIN);
    expect(deadline(ALWAYS, start, 90 * MIN, [{ from: start + HOUR, to: start + 3 * HOUR }])).toBe(
      start + 210 * MIN,
    );
    expect(openIntervals(ALWAYS, start, start + HOUR)).toEqual([[start, start + HOUR]]);
  });
});

describe('DST', () => {
  const daily = (timezone: string, start: string, end: string) =>
    calendar({ timezone, weekly: everyDay([{ start, end }]) });

  it('a 00:00–24:00 day is 23 real hours in spring and 25 in autumn', () => {
    for (const [zone, spring, autumn] of [
      ['America/New_York', '2025-03-09', '2025-11-02'],
      ['Europe/Berlin', '2025-03-30', '2025-10-26'],
    ] as const) {
      const sundays = calendar({
        timezone: zone,
        weekly: weekly({ sun: [{ start: '00:00', end: '24:00' }] }),
      });
      const midnight = (d: string) => at(`${d}T00:00`, zone);
      const length = (d: string) => businessMs(sundays, midnight(d) - 24 * HOUR, midnight(d) + 48 * HOUR);
      expect(length(spring)).toBe(23 * HOUR);
      expect(length(autumn)).toBe(25 * HOUR);
      expect(deadline(sundays, midnight(spring), 23 * HOUR, [])).toBe(midnight(spring) + 23 * HOUR);
      expect(deadline(sundays, midnight(autumn), 25 * HOUR, [])).toBe(midnight(autumn) + 25 * HOUR);
      expect(openIntervals(sundays, midnight(autumn) - HOUR, midnight(autumn) + 48 * HOUR)).toEqual([
        [midnight(autumn), at(`${autumn}T00:00`, zone) + 25 * HOUR],
      ]);
      const allDay = daily(zone, '00:00', '24:00');
      expect(deadline(allDay, midnight(spring) - HOUR, 24 * HOUR, [])).toBe(midnight(spring) + 23 * HOUR);
    }
  });

  it('skips the spring-forward gap: 02:30 opens at 03:00 local, 02:00–03:00 never opens', () => {
    const ny = daily('America/New_York', '02:30', '04:00');
    expect(openIntervals(ny, at('2025-03-09T00:00'), at('2025-03-10T00:00'))).toEqual([
      [at('2025-03-09T03:00'), at('2025-03-09T04:00')],
    ]);
    expect(openIntervals(ny, at('2025-03-09T00:00'), at('2025-03-09T23:00'))[0]![0]).toBe(
      utc('2025-03-09T07:00'),
    );
    const gap = daily('America/New_York', '02:00', '03:00');
    expect(businessMs(gap, at('2025-03-09T00:00'), at('2025-03-10T00:00'))).toBe(0);
    const into = daily('America/New_York', '01:00', '02:30');
    expect(openIntervals(into, at('2025-03-09T00:00'), at('2025-03-10T00:00'))).toEqual([
      [utc('2025-03-09T06:00'), utc('2025-03-09T07:00')],
    ]);
    const berlin = daily(BERLIN, '02:30', '04:00');
    expect(openIntervals(berlin, at('2025-03-30T00:00', BERLIN), at('2025-03-31T00:00', BERLIN))).toEqual([
      [utc('2025-03-30T01:00'), utc('2025-03-30T02:00')],
    ]);
    expect(deadline(berlin, at('2025-03-29T23:00', BERLIN), 30 * MIN, [])).toBe(utc('2025-03-30T01:30'));
  });

  it('opens a repeated fall-back time at both occurrences', () => {
    const repeated = daily('America/New_York', '01:00', '02:00');
    expect(openIntervals(repeated, at('2025-11-02T00:00'), at('2025-11-03T00:00'))).toEqual([
      [utc('2025-11-02T05:00'), utc('2025-11-02T07:00')],
    ]);
    // Partial cover of the repeated hour: open during that part of each occurrence only.
    const late = daily('America/New_York', '01:30', '03:00');
    expect(openIntervals(late, at('2025-11-02T00:00'), at('2025-11-03T00:00'))).toEqual([
      [utc('2025-11-02T05:30'), utc('2025-11-02T06:00')],
      [utc('2025-11-02T06:30'), utc('2025-11-02T08:00')],
    ]);
    const early = daily('America/New_York', '00:00', '01:30');
    expect(openIntervals(early, at('2025-11-02T00:00'), at('2025-11-03T00:00'))).toEqual([
      [utc('2025-11-02T04:00'), utc('2025-11-02T05:30')],
      [utc('2025-11-02T06:00'), utc('2025-11-02T06:30')],
    ]);
    const berlin = daily(BERLIN, '02:00', '03:00');
    expect(businessMs(berlin, at('2025-10-26T00:00', BERLIN), at('2025-10-27T00:00', BERLIN))).toBe(2 * HOUR);
    expect(deadline(berlin, at('2025-10-26T00:00', BERLIN), 90 * MIN, [])).toBe(utc('2025-10-26T01:30'));
    expect(isOpen(berlin, utc('2025-10-26T01:59'))).toBe(true);
    expect(isOpen(berlin, utc('2025-10-26T02:00'))).toBe(false);
  });
});
