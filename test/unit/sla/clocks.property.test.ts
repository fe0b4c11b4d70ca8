import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicySnapshot, Priority, PriorityTargets } from '../../../src/domain/policy.js';
import { PRIORITIES } from '../../../src/domain/policy.js';
import { applySlaInput, openClocks } from '../../../src/domain/sla/clocks.js';
import { evaluateSla } from '../../../src/domain/sla/evaluate.js';
import { CLOCK_KINDS, type SlaAction, type SlaInput, type SlaState } from '../../../src/domain/sla/types.js';
import { propertyRuns } from '../../support/property.js';
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

describe('clocks against the reference model and the oracle', () => {
  it('a sequence of ticket facts yields the oracle deadlines, pauses, met/stopped and breach instants', () => {
    fc.assert(
      fc.property(sequenceCaseArb, ({ case: { cal, start }, targets, priority, steps }) => {
        const snap = snapshot(cal, targets);
        const model = new ClockModel(snap, new OracleCalendar(cal), priority, start);
        let state: SlaState = openClocks(snap, priority, start);
        let now = start;
        for (const [gap, fact] of steps) {
          now += gap * MIN;
          const input = fact(now);
          state = applySlaInput(snap, state, input).state;
          model.apply(input);
        }
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
      { numRuns: propertyRuns(2500) },
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
      { numRuns: propertyRuns(1500) },
    );
  }, 60_000);
});

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
