/**
 * Operations on one {@link ClockState}. Every function is pure and returns a new clock; instants
 * are epoch ms, targets are business ms.
 */
import type { CalendarSpec, PolicySnapshot, Priority } from '../policy.js';
import { deadline } from './calendar.js';
import { MINUTE_MS } from './calendar-index.js';
import type { ClockKind, ClockState, PauseInterval, SlaAction } from './types.js';

/** A clock after an operation, with the actions the operation produced. */
export interface ClockStep {
  clock: ClockState;
  actions: SlaAction[];
}

/** The snapshot's target for `kind` at `priority`, in business ms; null = no cadence promised. */
export function targetMs(snapshot: PolicySnapshot, priority: Priority, kind: ClockKind): number | null {
  const targets = snapshot.targets[priority];
  const minutes =
    kind === 'first_response'
      ? targets.firstResponseMinutes
      : kind === 'next_update'
        ? targets.updateMinutes
        : targets.resolutionMinutes;
  return minutes === null ? null : minutes * MINUTE_MS;
}

/** Met or stopped: never due again (until a reopen revives the resolution clock). */
export function isFinished(clock: ClockState): boolean {
  return clock.metAt !== null || clock.stoppedAt !== null;
}

/** Inside an open-ended pause (waiting on the customer). */
export function isPaused(clock: ClockState): boolean {
  return clock.pauses.some((p) => p.to === null);
}

/** Not finished and not paused: the only clocks that warn, breach or need a check. */
export function isRunning(clock: ClockState): boolean {
  return !isFinished(clock) && !isPaused(clock);
}

/** The clock's deadline from its start, target and pauses; null while paused. */
export function dueOf(cal: CalendarSpec, clock: ClockState): number | null {
  return isPaused(clock) ? null : deadline(cal, clock.startedAt, clock.targetMs, clock.pauses);
}

/** A fresh clock measuring from `startedAt`; born paused when the ticket waits on the customer. */
export function startClock(
  cal: CalendarSpec,
  kind: ClockKind,
  startedAt: number,
  target: number,
  paused: boolean,
): ClockState {
  const clock: ClockState = {
    kind,
    startedAt,
    targetMs: target,
    pauses: paused ? [{ from: startedAt, to: null }] : [],
    dueAt: null,
    breachedAt: null,
    metAt: null,
    stoppedAt: null,
    warned: [],
  };
  return { ...clock, dueAt: dueOf(cal, clock) };
}

/** Opens a pause at `at` (no-op for finished or already paused clocks). */
export function pauseClock(clock: ClockState, at: number): ClockState {
  if (isFinished(clock) || isPaused(clock)) return clock;
  return { ...clock, pauses: [...clock.pauses, { from: at, to: null }], dueAt: null };
}

/** Closes the open pause at `at` and recomputes the deadline (no-op when not paused). */
export function resumeClock(cal: CalendarSpec, clock: ClockState, at: number): ClockState {
  if (!isPaused(clock)) return clock;
  const resumed = { ...clock, pauses: closePauses(clock.pauses, at) };
  return { ...resumed, dueAt: isFinished(resumed) ? clock.dueAt : dueOf(cal, resumed) };
}

/** Closes open pauses at `at`; drops pauses that end up empty. */
export function closePauses(pauses: readonly PauseInterval[], at: number): PauseInterval[] {
  return pauses
    .map((p) => (p.to === null ? { from: p.from, to: Math.max(at, p.from) } : p))
    .filter((p) => p.to === null || p.to > p.from);
}

/** Adds a closed pause [from, to) (e.g. the time a ticket spent resolved); empty ones are dropped. */
export function addPause(clock: ClockState, from: number, to: number): ClockState {
  return to > from ? { ...clock, pauses: [...clock.pauses, { from, to }] } : clock;
}

/** Meets the clock at `at`; the action keeps an earlier breach (met-after-breach has both instants). */
export function meetClock(cal: CalendarSpec, clock: ClockState, at: number): ClockStep {
  const resumed = { ...clock, pauses: closePauses(clock.pauses, at) };
  const dueAt = dueOf(cal, resumed);
  return {
    clock: { ...resumed, dueAt, metAt: at },
    actions: [{ type: 'met', clock: clock.kind, dueAt, at, breachedAt: clock.breachedAt }],
  };
}

/** Stops the clock at `at` (it no longer applies): neither met nor breached. */
export function stopClock(clock: ClockState, at: number): ClockState {
  if (isFinished(clock)) return clock;
  return { ...clock, pauses: closePauses(clock.pauses, at), stoppedAt: at };
}

/**
 * Measures the clock against a new business-ms target from its original start, pauses kept.
 * A deadline already at or before `at` breaches the clock at `at`: never retroactively, and a
 * clock already breached stays breached with its first breach instant.
 */
export function retargetClock(cal: CalendarSpec, clock: ClockState, target: number, at: number): ClockStep {
  if (isFinished(clock)) return { clock, actions: [] };
  const due = deadline(cal, clock.startedAt, target, clock.pauses);
  const retargeted = { ...clock, targetMs: target, dueAt: isPaused(clock) ? null : due };
  if (clock.breachedAt !== null || due === null || due > at) return { clock: retargeted, actions: [] };
  return {
    clock: { ...retargeted, breachedAt: at },
    actions: [{ type: 'breach', clock: clock.kind, dueAt: due, at }],
  };
}

/** Business ms of a warning fraction of a target, rounded up to a whole ms (ignoring float noise). */
export function fractionMs(fraction: number, target: number): number {
  const exact = fraction * target;
  const rounded = Math.round(exact);
  return Math.abs(exact - rounded) < 1e-6 ? rounded : Math.ceil(exact);
}
