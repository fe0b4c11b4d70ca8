import type { PolicySnapshot } from '../policy.js';
import { deadlines } from './calendar.js';
import { type ClockStep, dueOf, fractionMs, isRunning } from './clock-ops.js';
import { CLOCK_KINDS, type ClockState, type SlaAction, type SlaState } from './types.js';

/** What an evaluation decided: the new state, what to announce, and when to look again. */
export interface SlaEvaluation {
  state: SlaState;
  /** Warnings and breaches that became due at or before `now`, oldest first. */
  actions: SlaAction[];
  /** Epoch ms of the next warning or deadline of a running clock; null when nothing is pending. */
  nextCheckAt: number | null;
}

/**
 * Emits every warning whose instant (the point where the clock's business time, pauses excluded,
 * reaches `fraction × target`) is ≤ `now`, and the breach when `now` ≥ the deadline
 * (`breachedAt` = the deadline), each exactly once. Met, stopped, paused and already breached
 * clocks emit nothing (a breached clock no longer warns). Idempotent: evaluating again at the same
 * `now` emits nothing. Late evaluations emit what they missed, stamped with the instants it fell due.
 */
export function evaluateSla(snapshot: PolicySnapshot, state: SlaState, now: number): SlaEvaluation {
  const clocks = { ...state.clocks };
  const actions: SlaAction[] = [];
  let nextCheckAt: number | null = null;
  for (const kind of CLOCK_KINDS) {
    const clock = clocks[kind];
    if (!clock) continue;
    const step = evaluateClock(snapshot, clock, now);
    clocks[kind] = step.clock;
    actions.push(...step.actions);
    nextCheckAt = earliest(nextCheckAt, step.nextCheckAt);
  }
  actions.sort((a, b) => a.at - b.at);
  return { state: actions.length === 0 ? state : { ...state, clocks }, actions, nextCheckAt };
}

function evaluateClock(
  snapshot: PolicySnapshot,
  clock: ClockState,
  now: number,
): ClockStep & { nextCheckAt: number | null } {
  const dueAt =
    isRunning(clock) && clock.breachedAt === null ? (clock.dueAt ?? dueOf(snapshot.calendar, clock)) : null;
  if (dueAt === null) return { clock, actions: [], nextCheckAt: null };
  const pending = snapshot.warnAt.filter((f) => !clock.warned.includes(f));
  const instants = deadlines(
    snapshot.calendar,
    clock.startedAt,
    pending.map((f) => fractionMs(f, clock.targetMs)),
    clock.pauses,
  );
  const actions: SlaAction[] = [];
  const warned = [...clock.warned];
  let nextCheckAt: number | null = null;
  pending.forEach((fraction, i) => {
    const at = instants[i];
    if (at === null || at === undefined) return;
    if (at <= now) {
      actions.push({ type: 'warning', clock: clock.kind, fraction, dueAt, at });
      warned.push(fraction);
    } else nextCheckAt = earliest(nextCheckAt, at);
  });
  if (now < dueAt) {
    return { clock: { ...clock, dueAt, warned }, actions, nextCheckAt: earliest(nextCheckAt, dueAt) };
  }
  actions.push({ type: 'breach', clock: clock.kind, dueAt, at: dueAt });
  return { clock: { ...clock, dueAt, warned, breachedAt: dueAt }, actions, nextCheckAt: null };
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
