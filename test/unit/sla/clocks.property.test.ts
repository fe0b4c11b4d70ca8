import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicySnapshot, Priority, PriorityTargets } from '../../../src/domain/policy.js';
import { PRIORITIES } from '../../../src/domain/policy.js';
import { applySlaInput, openClocks } from '../../../src/domain/sla/clocks.js';
import { evaluateSla } from '../../../src/domain/sla/evaluate.js';
import { CLOCK_KINDS, type SlaAction, type SlaInput, type SlaState } from '../../../src/domain/sla/types.js';
import { type CalendarCase, calendarCaseArb, weeklyOpenMinutes } from './arbitraries.js';
import { snapshot } from './helpers.js';
import { ClockModel } from './model.js';
import { MIN, OracleCalendar, oracleDeadline } from './oracle.js';

/** Targets small enough (relative to the calendar's open time) for the oracle to stay fast. */
function targetsArb(c: CalendarCase): fc.Arbitrary<Record<Priority, PriorityTargets>> {
  const cap = 2 * weeklyOpenMinutes(c.cal);
  const minutes = (max: number) => fc.integer({ min: 0, max }).map((m) => Math.min(m, cap));
  const one = fc.record({
    firstResponseMinutes: minutes(240),
    updateMinutes: fc.option(
      minutes(240).map((m) => Math.max(m, 1)),
      { freq: 4 },
    ),
    resolutionMinutes: minutes(960),
  });
  return fc.tuple(one, one, one, one).map(([P1, P2, P3, P4]) => ({ P1, P2, P3, P4 }));
}

const priorityArb = fc.constantFrom(...PRIORITIES);

const factArb: fc.Arbitrary<(at: number) => SlaInput> = fc.oneof(
  { weight: 3, arbitrary: fc.constant((at: number): SlaInput => ({ type: 'agent_public_reply', at })) },
  { weight: 2, arbitrary: fc.constant((at: number): SlaInput => ({ type: 'waiting_on_customer', at })) },
  { weight: 2, arbitrary: fc.constant((at: number): SlaInput => ({ type: 'resumed', at })) },
  { weight: 2, arbitrary: fc.constant((at: number): SlaInput => ({ type: 'resolved', at })) },
  { weight: 2, arbitrary: fc.constant((at: number): SlaInput => ({ type: 'reopened', at })) },
  { weight: 1, arbitrary: fc.constant((at: number): SlaInput => ({ type: 'closed', at })) },
  {
    weight: 2,
    arbitrary: priorityArb.map(
      (p) =>
        (at: number): SlaInput => ({ type: 'priority_changed', at, priority: p }),
    ),
  },
);

const sequenceCaseArb = calendarCaseArb.chain((c) =>
  fc.record({
    case: fc.constant(c),
    targets: targetsArb(c),
    priority: priorityArb,
    steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 1440 }), factArb), { maxLength: 8 }),
  }),
);

// 0.55 × some targets is a hair above an integer in floating point: the rounding must not add a ms.
const FRACTIONS = [0.1, 0.25, 0.5, 0.55, 0.75, 0.9];

const warningCaseArb = calendarCaseArb.chain((c) =>
  fc.record({
    case: fc.constant(c),
    targets: targetsArb(c),
    priority: priorityArb,
    warnAt: fc.subarray(FRACTIONS, { minLength: 1 }),
    ticks: fc.array(fc.integer({ min: 0, max: 3000 * MIN }), { minLength: 1, maxLength: 6 }),
  }),
);

// The case: a ticket answered at once (first response met, cadence running), then its
// priority changed after a while; whatever the calendar, targets and gaps.
const changeCaseArb = calendarCaseArb.chain((c) =>
  fc.record({
    case: fc.constant(c),
    targets: targetsArb(c),
    from: priorityArb,
    to: priorityArb,
    replyAfter: fc.option(fc.integer({ min: 0, max: 600 }), { freq: 3 }),
    changeAfter: fc.integer({ min: 0, max: 2000 }),
  }),
);

describe('clocks against the reference model and the oracle', () => {
  it('a sequence of ticket facts yields the oracle deadlines, pauses, met/stopped and breach instants', () => {
    fc.assert(
      fc.property(sequenceCaseArb, ({ case: { cal, start }, targets, priority, steps }) => {
        const snap = snapshot(cal, targets);
        const model = new ClockModel(snap, new OracleCalendar(cal), priority, start);
        let state: SlaState = openClocks(snap, priority, start);
        let now = start;
        const actions: SlaAction[] = [];
        for (const [gap, fact] of steps) {
          now += gap * MIN;
          const input = fact(now);
          const step = applySlaInput(snap, state, input);
          state = step.state;
          actions.push(...step.actions);
          model.apply(input);
        }
        // Breaches are announced at the instant the model records: a deadline passed between two
        // facts at the deadline, one moved into the past by a priority change (or a reopen) at it.
        const breaches = actions.flatMap((a) => (a.type === 'breach' ? [{ clock: a.clock, at: a.at }] : []));
        expect(breaches.sort(byAt)).toEqual([...model.breaches].sort(byAt));
        expect(state.status).toBe(model.status);
        expect(state.priority).toBe(model.priority);
        for (const kind of CLOCK_KINDS) {
          const expected = model.expected(kind);
          if (expected === null) expect(state.clocks[kind]).toBeNull();
          else expect(state.clocks[kind]).toMatchObject(expected);
        }
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
        const settled = evaluateSla(snap, state, now);
        expect(evaluateSla(snap, settled.state, now).actions).toEqual([]);
      }),
      { numRuns: 2500 },
    );
  }, 60_000);

  it('a priority change that moves a deadline into the past breaches the clock at the change, never earlier', () => {
    fc.assert(
      fc.property(changeCaseArb, ({ case: { cal, start }, targets, from, to, replyAfter, changeAfter }) => {
        const snap = snapshot(cal, targets);
        const oracle = new OracleCalendar(cal);
        let state = openClocks(snap, from, start);
        const reply = replyAfter === null ? null : start + replyAfter * MIN;
        if (reply !== null)
          state = applySlaInput(snap, state, { type: 'agent_public_reply', at: reply }).state;
        const change = (reply ?? start) + changeAfter * MIN;
        const before = evaluateSla(snap, state, change);
        const step = applySlaInput(snap, state, { type: 'priority_changed', at: change, priority: to });
        for (const kind of CLOCK_KINDS) {
          const old = before.state.clocks[kind];
          const clock = step.state.clocks[kind];
          const target = clock?.targetMs;
          if (!old || !clock || old.metAt !== null || clock.stoppedAt !== null || target === undefined)
            continue;
          const due = oracleDeadline(oracle, clock.startedAt, target)!;
          const breaches = step.actions.filter((a) => a.type === 'breach' && a.clock === kind);
          if (old.breachedAt !== null) {
            // Breached under the old target before the change: that breach stands, at its deadline.
            expect(clock.breachedAt).toBe(old.breachedAt);
            expect(breaches.every((a) => a.at === old.breachedAt)).toBe(true);
          } else if (due <= change) {
            expect(breaches).toEqual([{ type: 'breach', clock: kind, dueAt: due, at: change }]);
            expect(clock).toMatchObject({ dueAt: due, breachedAt: change });
          } else {
            expect(breaches).toEqual([]);
            expect(evaluateSla(snap, step.state, due).actions).toContainEqual({
              type: 'breach',
              clock: kind,
              dueAt: due,
              at: due,
            });
          }
          // Nothing found later re-announces the clock or moves its breach earlier.
          const later = evaluateSla(snap, step.state, Math.max(due, change) + 60 * MIN);
          const again = later.actions.filter((a) => a.type === 'breach' && a.clock === kind);
          if (clock.breachedAt !== null) expect(again).toEqual([]);
        }
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('warnings and breaches fire once each at the oracle instants; nextCheckAt is the next of them', () => {
    fc.assert(
      fc.property(warningCaseArb, ({ case: { cal, start }, targets, priority, warnAt, ticks }) => {
        const snap: PolicySnapshot = snapshot(cal, targets, warnAt);
        const oracle = new OracleCalendar(cal);
        const expected: Array<{ key: string; at: number }> = [];
        for (const kind of ['first_response', 'resolution'] as const) {
          const target =
            (kind === 'first_response'
              ? targets[priority].firstResponseMinutes
              : targets[priority].resolutionMinutes) * MIN;
          for (const f of warnAt) {
            expected.push({
              key: `warning:${kind}:${f}`,
              at: oracleDeadline(oracle, start, (Math.round(f * 100) * target) / 100)!,
            });
          }
          expected.push({ key: `breach:${kind}`, at: oracleDeadline(oracle, start, target)! });
        }
        let state = openClocks(snap, priority, start);
        const seen: SlaAction[] = [];
        for (const now of [...ticks].sort((a, b) => a - b).map((t) => start + t)) {
          const r = evaluateSla(snap, state, now);
          seen.push(...r.actions);
          state = r.state;
          const breached = new Set(seen.filter((a) => a.type === 'breach').map((a) => a.clock));
          const future = expected.filter((e) => e.at > now && !breached.has(e.key.split(':')[1] as never));
          expect(r.nextCheckAt).toBe(future.length ? Math.min(...future.map((e) => e.at)) : null);
          expect(evaluateSla(snap, state, now).actions).toEqual([]);
        }
        const last = start + Math.max(...ticks);
        const keyOf = (a: SlaAction) =>
          a.type === 'warning' ? `warning:${a.clock}:${a.fraction}` : `${a.type}:${a.clock}`;
        expect(seen.map((a) => ({ key: keyOf(a), at: a.at })).sort(byKey)).toEqual(
          expected.filter((e) => e.at <= last).sort(byKey),
        );
      }),
      { numRuns: 1500 },
    );
  }, 60_000);
});

function byAt(a: { clock: string; at: number }, b: { clock: string; at: number }): number {
  return a.at - b.at || (a.clock < b.clock ? -1 : a.clock > b.clock ? 1 : 0);
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
