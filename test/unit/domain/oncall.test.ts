import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextOnCall, whoIsOnCall } from '../../../src/domain/oncall.js';
import { makeRotation } from './policy-fixture.js';

const utc = (iso: string): number => DateTime.fromISO(iso, { zone: 'utc' }).toMillis();
const local = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();
const HOUR = 3_600_000;

describe('whoIsOnCall: weekly rotation in America/New_York', () => {
  const weekly = makeRotation();

  it('has nobody on call before the first handoff', () => {
    const r = whoIsOnCall(weekly, utc('2026-01-05T13:59:59Z'));
    expect(r).toEqual({
      person: null,
      shiftStart: Number.NEGATIVE_INFINITY,
      shiftEnd: utc('2026-01-05T14:00:00Z'),
      via: 'rotation',
    });
  });

  it('hands off weekly in member order', () => {
    expect(whoIsOnCall(weekly, utc('2026-01-05T14:00:00Z')).person).toBe('alice');
    expect(whoIsOnCall(weekly, utc('2026-01-12T13:59:59Z')).person).toBe('alice');
    expect(whoIsOnCall(weekly, utc('2026-01-12T14:00:00Z')).person).toBe('bob');
    expect(whoIsOnCall(weekly, utc('2026-01-20T00:00:00Z')).person).toBe('carol');
    expect(whoIsOnCall(weekly, utc('2026-01-26T15:00:00Z')).person).toBe('alice');
  });

  it('keeps the 09:00 local handoff across spring-forward (a 167-hour shift)', () => {
    const r = whoIsOnCall(weekly, utc('2026-03-05T12:00:00Z'));
    expect(r).toEqual({
      person: 'carol',
      shiftStart: utc('2026-03-02T14:00:00Z'),
      shiftEnd: utc('2026-03-09T13:00:00Z'),
      via: 'rotation',
    });
    expect(r.shiftEnd - r.shiftStart).toBe(167 * HOUR);
    expect(whoIsOnCall(weekly, utc('2026-03-09T12:59:59Z')).person).toBe('carol');
    expect(whoIsOnCall(weekly, utc('2026-03-09T13:00:00Z')).person).toBe('alice');
  });

  it('keeps the 09:00 local handoff across fall-back (a 169-hour shift)', () => {
    const r = whoIsOnCall(weekly, utc('2026-11-01T12:00:00Z'));
    expect(r.person).toBe('alice');
    expect(r.shiftStart).toBe(utc('2026-10-26T13:00:00Z'));
    expect(r.shiftEnd).toBe(utc('2026-11-02T14:00:00Z'));
    expect(r.shiftEnd - r.shiftStart).toBe(169 * HOUR);
  });
});

describe('whoIsOnCall: handoffs stay at local time across the 2026 DST changes', () => {
  const cases = [
    {
      zone: 'America/New_York',
      dates: ['2026-03-07', '2026-03-08', '2026-03-09', '2026-10-31', '2026-11-01', '2026-11-02'],
    },
    {
      zone: 'Europe/Berlin',
      dates: ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-24', '2026-10-25', '2026-10-26'],
    },
  ];
  for (const { zone, dates } of cases) {
    it(`12-hour shifts hand off at 09:00 and 21:00 in ${zone}`, () => {
      const rotation = makeRotation({
        timezone: zone,
        shiftHours: 12,
        startDate: '2026-01-01',
        members: ['x', 'y'],
      });
      for (const date of dates) {
        const morning = local(`${date}T09:00`, zone);
        const evening = local(`${date}T21:00`, zone);
        expect(whoIsOnCall(rotation, morning)).toMatchObject({
          person: 'x',
          shiftStart: morning,
          shiftEnd: evening,
        });
        expect(whoIsOnCall(rotation, morning - 1)).toMatchObject({ person: 'y', shiftEnd: morning });
        expect(whoIsOnCall(rotation, evening).person).toBe('y');
      }
    });

    it(`weekly shifts hand off at the same local time across DST in ${zone}`, () => {
      const rotation = makeRotation({ timezone: zone, startDate: '2026-01-05', members: ['a', 'b'] });
      for (const date of dates) {
        const at = local(`${date}T12:00`, zone);
        const slot = whoIsOnCall(rotation, at);
        const start = DateTime.fromMillis(slot.shiftStart, { zone });
        const end = DateTime.fromMillis(slot.shiftEnd, { zone });
        expect([start.weekday, start.hour, start.minute]).toEqual([1, 9, 0]);
        expect([end.weekday, end.hour, end.minute]).toEqual([1, 9, 0]);
      }
    });
  }

  it('always returns a shift containing the instant, starting at a local handoff (Berlin, all of 2026)', () => {
    const zone = 'Europe/Berlin';
    const rotation = makeRotation({
      timezone: zone,
      shiftHours: 12,
      startDate: '2026-01-01',
      members: ['x', 'y'],
    });
    fc.assert(
      fc.property(
        fc.integer({ min: utc('2026-01-01T08:00:00Z'), max: utc('2026-12-31T00:00:00Z') }),
        (at) => {
          const slot = whoIsOnCall(rotation, at);
          expect(slot.shiftStart).toBeLessThanOrEqual(at);
          expect(slot.shiftEnd).toBeGreaterThan(at);
          const start = DateTime.fromMillis(slot.shiftStart, { zone });
          expect(start.minute).toBe(0);
          expect(slot.person).toBe(start.hour === 9 ? 'x' : 'y');
          expect(start.hour === 9 || start.hour === 21).toBe(true);
        },
      ),
    );
  });
});

describe('whoIsOnCall: overrides', () => {
  const rotation = makeRotation({
    overrides: [{ person: 'dave', from: '2026-01-07T00:00:00-05:00', to: '2026-01-08T00:00:00-05:00' }],
  });

  it('lets a policy override win while active and trims the rotation shift around it', () => {
    expect(whoIsOnCall(rotation, utc('2026-01-07T12:00:00Z'))).toEqual({
      person: 'dave',
      shiftStart: utc('2026-01-07T05:00:00Z'),
      shiftEnd: utc('2026-01-08T05:00:00Z'),
      via: 'override',
    });
    expect(whoIsOnCall(rotation, utc('2026-01-06T12:00:00Z'))).toEqual({
      person: 'alice',
      shiftStart: utc('2026-01-05T14:00:00Z'),
      shiftEnd: utc('2026-01-07T05:00:00Z'),
      via: 'rotation',
    });
    expect(whoIsOnCall(rotation, utc('2026-01-08T05:00:00Z'))).toEqual({
      person: 'alice',
      shiftStart: utc('2026-01-08T05:00:00Z'),
      shiftEnd: utc('2026-01-12T14:00:00Z'),
      via: 'rotation',
    });
  });

  it('lets the latest-starting active override win, database over policy on equal starts', () => {
    const extra = [
      { person: 'erin', from: utc('2026-01-07T10:00:00Z'), to: utc('2026-01-07T14:00:00Z') },
      { person: 'finn', from: utc('2026-01-07T05:00:00Z'), to: utc('2026-01-07T06:00:00Z') },
    ];
    expect(whoIsOnCall(rotation, utc('2026-01-07T05:30:00Z'), extra).person).toBe('finn');
    expect(whoIsOnCall(rotation, utc('2026-01-07T08:00:00Z'), extra)).toEqual({
      person: 'dave',
      shiftStart: utc('2026-01-07T06:00:00Z'),
      shiftEnd: utc('2026-01-07T10:00:00Z'),
      via: 'override',
    });
    expect(whoIsOnCall(rotation, utc('2026-01-07T12:00:00Z'), extra)).toMatchObject({
      person: 'erin',
      via: 'override',
    });
  });

  it('applies overrides before the rotation starts', () => {
    const extra = [{ person: 'gus', from: utc('2026-01-01T00:00:00Z'), to: utc('2026-01-02T00:00:00Z') }];
    expect(whoIsOnCall(rotation, utc('2026-01-01T12:00:00Z'), extra).person).toBe('gus');
    expect(whoIsOnCall(rotation, utc('2026-01-03T12:00:00Z'), extra)).toEqual({
      person: null,
      shiftStart: utc('2026-01-02T00:00:00Z'),
      shiftEnd: utc('2026-01-05T14:00:00Z'),
      via: 'rotation',
    });
  });

  it('ignores empty or inverted overrides', () => {
    const extra = [{ person: 'nobody', from: utc('2026-01-07T10:00:00Z'), to: utc('2026-01-07T10:00:00Z') }];
    expect(whoIsOnCall(makeRotation(), utc('2026-01-07T10:00:00Z'), extra).person).toBe('alice');
  });
});

describe('nextOnCall', () => {
  it('returns the next person and the instant they take over', () => {
    expect(nextOnCall(makeRotation(), utc('2026-01-06T00:00:00Z'))).toEqual({
      person: 'bob',
      shiftStart: utc('2026-01-12T14:00:00Z'),
      shiftEnd: utc('2026-01-19T14:00:00Z'),
      via: 'rotation',
    });
  });

  it('returns the first member before the rotation starts', () => {
    expect(nextOnCall(makeRotation(), utc('2026-01-01T00:00:00Z'))).toMatchObject({
      person: 'alice',
      shiftStart: utc('2026-01-05T14:00:00Z'),
    });
  });

  it('sees an override coming up', () => {
    const extra = [{ person: 'dave', from: utc('2026-01-07T00:00:00Z'), to: utc('2026-01-08T00:00:00Z') }];
    expect(nextOnCall(makeRotation(), utc('2026-01-06T00:00:00Z'), extra)).toEqual({
      person: 'dave',
      shiftStart: utc('2026-01-07T00:00:00Z'),
      shiftEnd: utc('2026-01-08T00:00:00Z'),
      via: 'override',
    });
    expect(nextOnCall(makeRotation(), utc('2026-01-07T12:00:00Z'), extra)).toMatchObject({
      person: 'alice',
      shiftStart: utc('2026-01-08T00:00:00Z'),
      via: 'rotation',
    });
  });

  it('skips a handoff to the same person (an override by the person already on call)', () => {
    const extra = [{ person: 'alice', from: utc('2026-01-07T00:00:00Z'), to: utc('2026-01-08T00:00:00Z') }];
    expect(nextOnCall(makeRotation(), utc('2026-01-06T00:00:00Z'), extra)).toMatchObject({
      person: 'bob',
      shiftStart: utc('2026-01-12T14:00:00Z'),
    });
  });

  it('returns the next shift of a one-person rotation', () => {
    expect(nextOnCall(makeRotation({ members: ['solo'] }), utc('2026-01-06T00:00:00Z'))).toMatchObject({
      person: 'solo',
      shiftStart: utc('2026-01-12T14:00:00Z'),
    });
  });
});
