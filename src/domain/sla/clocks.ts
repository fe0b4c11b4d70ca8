/**
 * The SLA clock state machine of one ticket (shared SLA.md): pure functions of
 * (snapshot, state, input). Instants are epoch ms; targets are business time.
 *
 * Choices SLA.md leaves open, made here:
 * - Every input first catches up (`evaluateSla` at the input's instant), so warnings and breaches
 *   that fell due before it are emitted and recorded whatever the tick schedule was.
 * - A public agent reply while waiting on the customer meets the first response and restarts the
 *   cadence from the reply, born paused: it runs once the customer answers.
 * - Each public agent reply meets the running next-update cycle ('met' action) and starts a new one.
 * - Resolving without any public reply stops the first-response clock (`stoppedAt`): it was neither
 *   met nor breached, and a reopen does not revive it (stopped clocks are final); the next public
 *   reply after the reopen starts the cadence.
 * - Reopening resumes resolution (resolved time added as a pause, target re-read for the current
 *   priority) and restarts the cadence from the reopen only when a first response was met.
 * - Waiting and resume are ignored unless the ticket is open (resp. waiting); reopen unless
 *   resolved; every input after `closed` is ignored.
 * - A priority change to a tier priority without cadence stops the next-update clock; one that adds
 *   a cadence starts it at the change (no promise existed before it), if a first response was met.
 */
import type { PolicySnapshot, Priority } from '../policy.js';
import { deadline } from './calendar.js';
import { MINUTE_MS } from './calendar-index.js';
import {
  addPause,
  type ClockStep,
  isFinished,
  meetClock,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  targetMs,
} from './clock-ops.js';
import { evaluateSla } from './evaluate.js';
import {
  CLOCK_KINDS,
  type ClockKind,
  type ClockState,
  type PauseInterval,
  type SlaAction,
  type SlaInput,
  type SlaState,
  type SlaTicketStatus,
} from './types.js';

export { evaluateSla, type SlaEvaluation } from './evaluate.js';

/** A state after an input, with the actions to carry out. */
export interface SlaTransition {
  state: SlaState;
  actions: SlaAction[];
}

type Clocks = Record<ClockKind, ClockState | null>;
type InputOf<T extends SlaInput['type']> = Extract<SlaInput, { type: T }>;

/**
 * Clocks of a ticket opened at `openedAt` (epoch ms): first response and resolution run from it
 * with the snapshot's business-minute targets for `priority`; no cadence before the first response.
 */
export function openClocks(snapshot: PolicySnapshot, priority: Priority, openedAt: number): SlaState {
  const cal = snapshot.calendar;
  return {
    priority,
    status: 'open',
    resolvedAt: null,
    clocks: {
      first_response: startClock(
        cal,
        'first_response',
        openedAt,
        targetOf(snapshot, priority, 'first_response'),
        false,
      ),
      next_update: null,
      resolution: startClock(cal, 'resolution', openedAt, targetOf(snapshot, priority, 'resolution'), false),
    },
  };
}

/**
 * Moves the clocks with one ticket fact at `input.at` (epoch ms). Returns the new state and the
 * actions: catch-up warnings and breaches first, then 'met' and priority-change breaches.
 */
export function applySlaInput(snapshot: PolicySnapshot, state: SlaState, input: SlaInput): SlaTransition {
  const caught = evaluateSla(snapshot, state, input.at);
  if (statusOf(caught.state) === 'closed') return { state: caught.state, actions: caught.actions };
  const step = applyFact(snapshot, caught.state, input);
  return { state: step.state, actions: [...caught.actions, ...step.actions] };
}

function applyFact(snapshot: PolicySnapshot, state: SlaState, input: SlaInput): SlaTransition {
  switch (input.type) {
    case 'agent_public_reply':
      return onReply(snapshot, state, input.at);
    case 'waiting_on_customer':
      return onWaiting(state, input.at);
    case 'resumed':
      return onResumed(snapshot, state, input.at);
    case 'resolved':
      return onResolved(snapshot, state, input.at);
    case 'reopened':
      return onReopened(snapshot, state, input.at);
    case 'closed':
      return onClosed(state, input.at);
    case 'priority_changed':
      return onPriorityChanged(snapshot, state, input);
  }
}

/**
 * Business-time deadlines of a ticket opened at `openedAt` (epoch ms) at `priority`: first response
 * ignores `pauses` (it is never paused); resolution is null while an open-ended pause holds it.
 */
export function deadlinesFor(
  snapshot: PolicySnapshot,
  priority: Priority,
  openedAt: number,
  pauses: PauseInterval[],
): { firstResponseDue: number; resolutionDue: number | null } {
  const cal = snapshot.calendar;
  const firstResponseDue = deadline(cal, openedAt, targetOf(snapshot, priority, 'first_response'), []);
  if (firstResponseDue === null) throw new Error('first response deadline cannot be null without pauses');
  const resolutionDue = deadline(cal, openedAt, targetOf(snapshot, priority, 'resolution'), pauses);
  return { firstResponseDue, resolutionDue };
}

function onReply(snapshot: PolicySnapshot, state: SlaState, at: number): SlaTransition {
  const cal = snapshot.calendar;
  const clocks: Clocks = { ...state.clocks };
  const actions: SlaAction[] = [];
  const met = (step: ClockStep): ClockState => {
    actions.push(...step.actions);
    return step.clock;
  };
  const first = clocks.first_response;
  if (first && !isFinished(first)) clocks.first_response = met(meetClock(cal, first, at));
  const status = statusOf(state);
  const cadence = targetMs(snapshot, state.priority, 'next_update');
  if ((status === 'open' || status === 'waiting') && cadence !== null) {
    const previous = clocks.next_update;
    if (previous && !isFinished(previous)) met(meetClock(cal, previous, at));
    clocks.next_update = startClock(cal, 'next_update', at, cadence, status === 'waiting');
  }
  return { state: { ...state, clocks }, actions };
}

function onWaiting(state: SlaState, at: number): SlaTransition {
  if (statusOf(state) !== 'open') return { state, actions: [] };
  const clocks = mapClocks(state.clocks, ['next_update', 'resolution'], (c) => pauseClock(c, at));
  return { state: { ...state, status: 'waiting', clocks }, actions: [] };
}

function onResumed(snapshot: PolicySnapshot, state: SlaState, at: number): SlaTransition {
  if (statusOf(state) !== 'waiting') return { state, actions: [] };
  const clocks = mapClocks(state.clocks, ['next_update', 'resolution'], (c) =>
    resumeClock(snapshot.calendar, c, at),
  );
  return { state: { ...state, status: 'open', clocks }, actions: [] };
}

function onResolved(snapshot: PolicySnapshot, state: SlaState, at: number): SlaTransition {
  const status = statusOf(state);
  if (status !== 'open' && status !== 'waiting') return { state, actions: [] };
  const clocks: Clocks = mapClocks(state.clocks, ['first_response', 'next_update'], (c) => stopClock(c, at));
  const actions: SlaAction[] = [];
  const resolution = clocks.resolution;
  if (resolution && !isFinished(resolution)) {
    const step = meetClock(snapshot.calendar, resolution, at);
    clocks.resolution = step.clock;
    actions.push(...step.actions);
  }
  return { state: { ...state, status: 'resolved', resolvedAt: at, clocks }, actions };
}

function onReopened(snapshot: PolicySnapshot, state: SlaState, at: number): SlaTransition {
  if (statusOf(state) !== 'resolved') return { state, actions: [] };
  const cal = snapshot.calendar;
  const clocks: Clocks = { ...state.clocks };
  const actions: SlaAction[] = [];
  const resolution = clocks.resolution;
  if (resolution && resolution.metAt !== null) {
    const resolvedAt = state.resolvedAt ?? resolution.metAt;
    const revived = addPause({ ...resolution, metAt: null }, resolvedAt, at);
    const step = retargetClock(cal, revived, targetOf(snapshot, state.priority, 'resolution'), at);
    clocks.resolution = step.clock;
    actions.push(...step.actions);
  }
  const cadence = targetMs(snapshot, state.priority, 'next_update');
  if (clocks.first_response?.metAt != null && cadence !== null) {
    clocks.next_update = startClock(cal, 'next_update', at, cadence, false);
  }
  return { state: { ...state, status: 'open', resolvedAt: null, clocks }, actions };
}

function onClosed(state: SlaState, at: number): SlaTransition {
  const clocks = mapClocks(state.clocks, CLOCK_KINDS, (c) => stopClock(c, at));
  return { state: { ...state, status: 'closed', resolvedAt: null, clocks }, actions: [] };
}

function onPriorityChanged(
  snapshot: PolicySnapshot,
  state: SlaState,
  input: InputOf<'priority_changed'>,
): SlaTransition {
  const { at, priority } = input;
  const cal = snapshot.calendar;
  const status = statusOf(state);
  const clocks: Clocks = { ...state.clocks };
  const actions: SlaAction[] = [];
  for (const kind of CLOCK_KINDS) {
    const clock = clocks[kind];
    const target = targetMs(snapshot, priority, kind);
    if (!clock || isFinished(clock)) continue;
    if (target === null) {
      clocks[kind] = stopClock(clock, at);
      continue;
    }
    const step = retargetClock(cal, clock, target, at);
    clocks[kind] = step.clock;
    actions.push(...step.actions);
  }
  const cadence = targetMs(snapshot, priority, 'next_update');
  const responded = clocks.first_response?.metAt != null;
  const cadenceless = !clocks.next_update || isFinished(clocks.next_update);
  if (cadenceless && cadence !== null && responded && (status === 'open' || status === 'waiting')) {
    clocks.next_update = startClock(cal, 'next_update', at, cadence, status === 'waiting');
  }
  return { state: { ...state, priority, clocks }, actions };
}

function mapClocks(
  clocks: Clocks,
  kinds: readonly ClockKind[],
  fn: (clock: ClockState) => ClockState,
): Clocks {
  const out: Clocks = { ...clocks };
  for (const kind of kinds) {
    const clock = out[kind];
    if (clock) out[kind] = fn(clock);
  }
  return out;
}

/** The status as the clocks see it; states stored without one are open. */
export function statusOf(state: SlaState): SlaTicketStatus {
  return state.status ?? 'open';
}

function targetOf(
  snapshot: PolicySnapshot,
  priority: Priority,
  kind: 'first_response' | 'resolution',
): number {
  return (
    snapshot.targets[priority][kind === 'first_response' ? 'firstResponseMinutes' : 'resolutionMinutes'] *
    MINUTE_MS
  );
}
