import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  type EscalationContext,
  evaluateEscalation,
  startEscalation,
  stopEscalation,
} from '../../../src/domain/escalation/evaluate.js';
import type {
  EscalationAction,
  EscalationState,
  PageRecipient,
} from '../../../src/domain/escalation/types.js';
import type { EscalationTarget } from '../../../src/domain/policy.js';
import { makePolicy, tierOf } from './policy-fixture.js';

const utc = (iso: string): number => DateTime.fromISO(iso, { zone: 'utc' }).toMillis();
const MIN = 60_000;
const T0 = utc('2026-03-02T10:00:00Z');

/** Open 09:00–17:00 UTC every day: simple enough to reason about in the tests. */
const isOpen = (ms: number): boolean => {
  const h = DateTime.fromMillis(ms, { zone: 'utc' }).hour;
  return h >= 9 && h < 17;
};
const nextOpen = (ms: number): number => {
  if (isOpen(ms)) return ms;
  const d = DateTime.fromMillis(ms, { zone: 'utc' });
  const nine = d.set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  return (d.hour < 9 ? nine : nine.plus({ days: 1 })).toMillis();
};

const recipients = (target: EscalationTarget): PageRecipient[] => {
  if ('rotation' in target) return [{ person: 'alice', reason: `on call for ${target.rotation}` }];
  if ('role' in target) return [{ person: 'lena', reason: 'lead' }];
  return target.people.map((person) => ({ person, reason: 'named in chain' }));
};

function makeCtx(tierName = 'enterprise', patch: Partial<EscalationContext> = {}): EscalationContext {
  const policy = makePolicy();
  const tier = tierOf(policy, tierName);
  const chain = policy.escalationChains[tier.escalationChain];
  const calendar = policy.calendars.office;
  if (!chain || !calendar) throw new Error('fixture incomplete');
  return {
    chain,
    entitlements: tier.entitlements,
    calendar: { ...calendar, timezone: 'UTC' },
    isCalendarOpen: isOpen,
    nextCalendarOpen: nextOpen,
    resolveRecipients: recipients,
    ...patch,
  };
}

const brief = (a: EscalationAction): string =>
  a.type === 'page'
    ? `page ${a.levelName}#${a.attempt}`
    : a.type === 'exhausted'
      ? 'exhausted'
      : `${a.type} ${a.level}`;

/** Evaluates at each instant in turn, returning every action in short form. */
function drive(ctx: EscalationContext, state: EscalationState, times: number[]) {
  const log: string[] = [];
  let s = state;
  for (const t of times) {
    const d = evaluateEscalation(ctx, s, t);
    expect(d.nextCheckAt).toBe(d.state.nextCheckAt);
    log.push(...d.actions.map(brief));
    s = d.state;
  }
  return { log, state: s };
}

describe('startEscalation', () => {
  it('starts active at level 0 with the first check due at once', () => {
    expect(startEscalation('first_response', T0)).toEqual({
      trigger: 'first_response',
      status: 'active',
      startedAt: T0,
      level: 0,
      pagesAtLevel: 0,
      lastPagedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      nextCheckAt: T0,
    });
  });
});

describe('evaluateEscalation', () => {
  const ctx = makeCtx();

  it('pages level 0 and waits its ack window', () => {
    const d = evaluateEscalation(ctx, startEscalation('resolution', T0), T0);
    expect(d.actions).toEqual([
      {
        type: 'page',
        level: 0,
        levelName: 'primary',
        attempt: 1,
        recipients: [{ person: 'alice', reason: 'on call for sre-primary' }],
        notifyQueue: true,
        at: T0,
      },
    ]);
    expect(d.nextCheckAt).toBe(T0 + 15 * MIN);
    expect(d.state).toMatchObject({ level: 0, pagesAtLevel: 1, lastPagedAt: T0, status: 'active' });
  });

  it('does nothing before the next check is due', () => {
    const paged = evaluateEscalation(ctx, startEscalation('resolution', T0), T0).state;
    const d = evaluateEscalation(ctx, paged, T0 + 14 * MIN);
    expect(d).toEqual({ state: paged, actions: [], nextCheckAt: T0 + 15 * MIN });
  });

  it('repeats a level, moves on, and exhausts after the last wait', () => {
    const times = [0, 15, 30, 40, 70].map((m) => T0 + m * MIN);
    const { log, state } = drive(ctx, startEscalation('resolution', T0), times);
    expect(log).toEqual(['page primary#1', 'page primary#2', 'page lead#1', 'page cto#1', 'exhausted']);
    expect(state).toMatchObject({ status: 'exhausted', nextCheckAt: null, level: 2, pagesAtLevel: 1 });
  });

  it('does nothing once finished', () => {
    const done = drive(
      ctx,
      startEscalation('resolution', T0),
      [0, 15, 30, 40, 70].map((m) => T0 + m * MIN),
    ).state;
    expect(evaluateEscalation(ctx, done, T0 + 1000 * MIN)).toEqual({
      state: done,
      actions: [],
      nextCheckAt: null,
    });
  });

  it('moves to the next level in the same evaluation when nobody can be paged', () => {
    const noRotation = makeCtx('enterprise', {
      resolveRecipients: (t) => ('rotation' in t ? [] : recipients(t)),
    });
    const d = evaluateEscalation(noRotation, startEscalation('manual', T0), T0);
    expect(d.actions.map(brief)).toEqual(['no_recipient 0', 'page lead#1']);
    expect(d.actions[0]).toMatchObject({ reason: 'nobody to page for rotation sre-primary' });
    expect(d.state).toMatchObject({ level: 1, pagesAtLevel: 1, nextCheckAt: T0 + 10 * MIN });
  });

  it('exhausts when no level has anyone to page', () => {
    const d = evaluateEscalation(
      makeCtx('enterprise', { resolveRecipients: () => [] }),
      startEscalation('manual', T0),
      T0,
    );
    expect(d.actions.map(brief)).toEqual(['no_recipient 0', 'no_recipient 1', 'no_recipient 2', 'exhausted']);
    expect(d.state).toMatchObject({ status: 'exhausted', level: 2, nextCheckAt: null });
  });

  it('skips on-call rotation levels for a tier that may not page on-call, but pages its lead', () => {
    const ctx = makeCtx('starter', { isCalendarOpen: () => true });
    const d = evaluateEscalation(ctx, startEscalation('first_response', T0), T0);
    expect(d.actions.map(brief)).toEqual(['no_recipient 0', 'page lead#1']);
    expect(d.actions[0]).toMatchObject({ reason: expect.stringContaining('may not page on-call engineers') });
    expect(d.state).toMatchObject({ status: 'active', level: 1 });
  });
});

describe('evaluateEscalation: out of hours', () => {
  const business = makeCtx('business');
  const evening = utc('2026-03-02T20:00:00Z');
  const morning = utc('2026-03-03T09:00:00Z');

  it('defers a tier without out-of-hours paging until the calendar opens', () => {
    const d = evaluateEscalation(business, startEscalation('first_response', evening), evening);
    expect(d.actions).toEqual([
      {
        type: 'deferred',
        level: 0,
        until: morning,
        at: evening,
        reason:
          'calendar office is closed and this tier is not paged out of hours; paging at Tue 2026-03-03 09:00 (UTC)',
      },
    ]);
    expect(d.state).toMatchObject({ level: 0, pagesAtLevel: 0, nextCheckAt: morning, status: 'active' });
    expect(evaluateEscalation(business, d.state, morning).actions.map(brief)).toEqual(['page primary#1']);
  });

  it('defers the next step too, not only the first page', () => {
    const at = utc('2026-03-02T16:40:00Z');
    const { log, state } = drive(business, startEscalation('resolution', at), [at, at + 30 * MIN]);
    expect(log).toEqual(['page primary#1', 'deferred 1']);
    expect(state).toMatchObject({ level: 0, pagesAtLevel: 1, nextCheckAt: morning });
    expect(drive(business, state, [morning]).log).toEqual(['page lead#1']);
  });

  it('pages out of hours when the tier is entitled to it', () => {
    const d = evaluateEscalation(makeCtx('enterprise'), startEscalation('resolution', evening), evening);
    expect(d.actions.map(brief)).toEqual(['page primary#1']);
  });
});

describe('evaluateEscalation: late evaluation', () => {
  const ctx = makeCtx();

  it('pages the level due now once instead of replaying missed pages', () => {
    const paged = evaluateEscalation(ctx, startEscalation('resolution', T0), T0).state;
    const d = evaluateEscalation(ctx, paged, T0 + 60 * MIN);
    expect(d.actions.map(brief)).toEqual(['page cto#1']);
    expect(d.state).toMatchObject({ level: 2, pagesAtLevel: 1, lastPagedAt: T0 + 60 * MIN });
    expect(d.nextCheckAt).toBe(T0 + 90 * MIN);
    expect(evaluateEscalation(ctx, d.state, T0 + 90 * MIN).actions.map(brief)).toEqual(['exhausted']);
  });

  it('still pages the last level once after an outage longer than the chain', () => {
    const paged = evaluateEscalation(ctx, startEscalation('resolution', T0), T0).state;
    const d = evaluateEscalation(ctx, paged, T0 + 300 * MIN);
    expect(d.actions.map(brief)).toEqual(['page cto#1']);
    expect(d.nextCheckAt).toBe(T0 + 330 * MIN);
  });

  it('skips a first page whose window passed before the first evaluation', () => {
    const d = evaluateEscalation(ctx, startEscalation('resolution', T0), T0 + 20 * MIN);
    expect(d.actions.map(brief)).toEqual(['page primary#2']);
  });

  it('does not let closed hours count as missed windows', () => {
    const business = makeCtx('business');
    const at = utc('2026-03-02T16:40:00Z');
    const paged = evaluateEscalation(business, startEscalation('resolution', at), at).state;
    const d = evaluateEscalation(business, paged, utc('2026-03-03T09:45:00Z'));
    expect(d.actions.map(brief)).toEqual(['page lead#1']);
  });

  it('never pages more than once per evaluation nor more than the chain allows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 24 * 60 }), { maxLength: 30 }), (offsets) => {
        const times = [...offsets].sort((a, b) => a - b).map((m) => T0 + m * MIN);
        let s = startEscalation('resolution', T0);
        let pages = 0;
        for (const t of times) {
          const d = evaluateEscalation(ctx, s, t);
          const n = d.actions.filter((a) => a.type === 'page').length;
          expect(n).toBeLessThanOrEqual(1);
          pages += n;
          s = d.state;
        }
        for (let i = 0; i < 10 && s.nextCheckAt !== null; i += 1) {
          const d = evaluateEscalation(ctx, s, Math.max(s.nextCheckAt, T0 + 24 * 60 * MIN));
          pages += d.actions.filter((a) => a.type === 'page').length;
          s = d.state;
        }
        expect(s.status).toBe('exhausted');
        expect(pages).toBeGreaterThanOrEqual(1);
        expect(pages).toBeLessThanOrEqual(4);
      }),
    );
  });
});

describe('acknowledge and stopEscalation', () => {
  const ctx = makeCtx();
  const paged = evaluateEscalation(ctx, startEscalation('resolution', T0), T0).state;

  it('acknowledging ends paging', () => {
    const acked = acknowledge(paged, 'alice', T0 + 5 * MIN);
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'alice',
      acknowledgedAt: T0 + 5 * MIN,
      nextCheckAt: null,
    });
    expect(evaluateEscalation(ctx, acked, T0 + 15 * MIN)).toEqual({
      state: acked,
      actions: [],
      nextCheckAt: null,
    });
  });

  it('acknowledging or stopping a finished escalation changes nothing', () => {
    const acked = acknowledge(paged, 'alice', T0 + 5 * MIN);
    expect(acknowledge(acked, 'bob', T0 + 6 * MIN)).toBe(acked);
    expect(stopEscalation(acked, T0 + 6 * MIN)).toBe(acked);
  });

  it('stopping ends paging', () => {
    const stopped = stopEscalation(paged, T0 + 5 * MIN);
    expect(stopped).toMatchObject({ status: 'stopped', nextCheckAt: null, acknowledgedBy: null });
    expect(evaluateEscalation(ctx, stopped, T0 + 15 * MIN).actions).toEqual([]);
  });
});
