import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import { acknowledgedLine, formatDayAndTime, formatInstant } from '../../../src/app/shared/wording.js';
import { propertyRuns } from '../../support/property.js';

/** What formatInstant promises: luxon's own text for the instant in the zone. */
function luxonText(ms: number, zone: string, now: number): string {
  const dt = DateTime.fromMillis(ms, { zone, locale: 'en-US' });
  return dt.hasSame(DateTime.fromMillis(now, { zone }), 'day')
    ? dt.toFormat('HH:mm ZZZZ')
    : dt.toFormat('ccc d LLL HH:mm ZZZZ');
}

describe('formatInstant', () => {
  it('shows the time alone on the same local day, with weekday and date otherwise', () => {
    const now = Date.parse('2026-03-02T15:00:00Z');
    expect(formatInstant(Date.parse('2026-03-02T15:15:00Z'), 'UTC', now)).toBe('15:15 UTC');
    expect(formatInstant(Date.parse('2026-03-03T08:00:00Z'), 'UTC', now)).toBe('Tue 3 Mar 08:00 UTC');
    // 23:30 in New York is still Monday there, though Tuesday in UTC.
    expect(formatInstant(Date.parse('2026-03-03T04:30:00Z'), 'America/New_York', now)).toBe('23:30 EST');
  });

  it('says what luxon says, whatever the zone, instant and day, also when answered from its cache', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ];
    const instant = fc.integer({
      min: Date.parse('2025-01-01T00:00:00Z'),
      max: Date.parse('2028-01-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        instant,
        fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
        (zone, now, delta) => {
          const ms = now + delta;
          expect(formatInstant(ms, zone, now)).toBe(luxonText(ms, zone, now));
          expect(formatInstant(ms, zone, now)).toBe(luxonText(ms, zone, now));
        },
      ),
      { numRuns: propertyRuns(3000) },
    );
  });

  it('writes one convention on any server: 24-hour, the zone named, English day names', () => {
    const before = Settings.defaultLocale;
    Settings.defaultLocale = 'fr-FR'; // a server set to French: a.m./p.m. or "lun." must not appear
    try {
      const now = Date.parse('2026-03-02T15:00:00Z');
      expect(formatInstant(Date.parse('2026-03-09T14:00:00Z'), 'America/New_York', now)).toBe(
        'Mon 9 Mar 10:00 EDT',
      );
      expect(formatInstant(Date.parse('2026-03-02T21:40:00Z'), 'Europe/Paris', now)).toBe('22:40 GMT+1');
      expect(formatDayAndTime(Date.parse('2026-03-02T21:40:00Z'), 'UTC')).toBe('Mon 2 Mar 21:40 UTC');
      expect(acknowledgedLine('Jun Watanabe', Date.parse('2026-03-02T10:40:00Z'), 'UTC', now)).toBe(
        'acknowledged by Jun Watanabe 10:40 UTC',
      );
    } finally {
      Settings.defaultLocale = before;
    }
  });
});
