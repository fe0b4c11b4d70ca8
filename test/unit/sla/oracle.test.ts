import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DST_DAYS, ZONES } from './arbitraries.js';
import { at } from './helpers.js';
import { HOUR, localHour, MIN } from './oracle.js';

describe('the oracle itself', () => {
  it('DST_DAYS are the transition days of 2025–2027', () => {
    for (const [zone, date] of DST_DAYS) {
      const start = DateTime.fromISO(date, { zone });
      expect(start.offset).not.toBe(start.plus({ days: 1 }).offset);
    }
  });

  it('its per-UTC-hour local view equals luxon minute by minute around every transition', () => {
    // Compared as strings and collected, with one assertion at the end: an expect() per minute made
    // this test take 5 s of its own for a hundred thousand comparisons.
    const differ: string[] = [];
    for (const zone of ZONES) {
      for (const [, date] of DST_DAYS) {
        const from = at(`${date}T00:00`, 'utc') - 12 * HOUR;
        for (let t = from; t < from + 48 * HOUR; t += MIN) {
          const dt = DateTime.fromMillis(t, { zone });
          const view = localHour(zone, t);
          const ours = `${view.date} ${view.weekday} ${view.hour}:${Math.floor((t % HOUR) / MIN)}`;
          const luxon = `${dt.toISODate()} ${dt.weekday} ${dt.hour}:${dt.minute}`;
          if (ours !== luxon && differ.length < 10) differ.push(`${zone} ${t}: ${ours} ≠ luxon ${luxon}`);
        }
      }
    }
    expect(differ).toEqual([]);
  });
});
