import { describe, expect, it } from 'vitest';
import type { Priority } from '../../../src/domain/policy.js';
import { applySlaInput, deadlinesFor, openClocks } from '../../../src/domain/sla/clocks.js';
import { evaluateSla } from '../../../src/domain/sla/evaluate.js';
import type { SlaAction, SlaInput, SlaState } from '../../../src/domain/sla/types.js';
import { at, calendar, snapshot } from './helpers.js';

const snap = snapshot(calendar());
const MON = (hhmm: string) => at(`2025-06-16T${hhmm}`);
const TUE = (hhmm: string) => at(`2025-06-17T${hhmm}`);

function run(priority: Priority, inputs: SlaInput[], openedAt = MON('09:00')) {
  let state = openClocks(snap, priority, openedAt);
  const actions: SlaAction[] = [];
  for (const input of inputs) {
    const step = applySlaInput(snap, state, input);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}

const clock = (state: SlaState, kind: keyof SlaState['clocks']) => state.clocks[kind]!;

describe('openClocks', () => {
  it('starts first response and resolution at creation, no cadence yet', () => {
    const state = openClocks(snap, 'P2', MON('09:00'));
    expect(state.status).toBe('open');
    expect(clock(state, 'first_response')).toMatchObject({
      startedAt: MON('09:00'),
      targetMs: 3_600_000,
      dueAt: MON('10:00'),
    });
    expect(clock(state, 'resolution')).toMatchObject({ dueAt: MON('17:00'), breachedAt: null, metAt: null });
    expect(state.clocks.next_update).toBeNull();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('opened out of hours, the clocks start at the next opening', () => {
    const state = openClocks(snap, 'P2', at('2025-06-14T10:00'));
    expect(clock(state, 'first_response').dueAt).toBe(MON('10:00'));
  });

  it('deadlinesFor gives the first response and resolution deadlines', () => {
    expect(deadlinesFor(snap, 'P2', MON('09:00'), [{ from: MON('10:00'), to: MON('12:00') }])).toEqual({
      firstResponseDue: MON('10:00'),
      resolutionDue: TUE('11:00'),
    });
    expect(
      deadlinesFor(snap, 'P2', MON('09:00'), [{ from: MON('10:00'), to: null }]).resolutionDue,
    ).toBeNull();
  });
});

describe('public agent replies', () => {
  it('meet the first response and start the cadence from the reply', () => {
    const { state, actions } = run('P2', [{ type: 'agent_public_reply', at: MON('09:20') }]);
    expect(actions).toEqual([
      { type: 'met', clock: 'first_response', dueAt: MON('10:00'), at: MON('09:20'), breachedAt: null },
    ]);
    expect(clock(state, 'next_update')).toMatchObject({ startedAt: MON('09:20'), dueAt: MON('11:20') });
  });

  it('restart the cadence, meeting the running cycle', () => {
    const { state, actions } = run('P2', [
      { type: 'agent_public_reply', at: MON('09:20') },
      { type: 'agent_public_reply', at: MON('10:00') },
    ]);
    expect(actions.at(-1)).toEqual({
      type: 'met',
      clock: 'next_update',
      dueAt: MON('11:20'),
      at: MON('10:00'),
      breachedAt: null,
    });
    expect(clock(state, 'next_update').dueAt).toBe(MON('12:00'));
    expect(clock(state, 'first_response').metAt).toBe(MON('09:20'));
  });

  it('met after breach keeps both instants', () => {
    let state = openClocks(snap, 'P2', MON('09:00'));
    const tick = evaluateSla(snap, state, MON('10:00'));
    expect(tick.actions.map((a) => a.type)).toEqual(['warning', 'warning', 'breach']);
    state = tick.state;
    const step = applySlaInput(snap, state, { type: 'agent_public_reply', at: MON('10:30') });
    expect(step.actions).toEqual([
      {
        type: 'met',
        clock: 'first_response',
        dueAt: MON('10:00'),
        at: MON('10:30'),
        breachedAt: MON('10:00'),
      },
    ]);
    expect(clock(step.state, 'first_response')).toMatchObject({
      breachedAt: MON('10:00'),
      metAt: MON('10:30'),
    });
  });

  it('catch up on missed ticks before applying the input', () => {
    const { actions } = run('P2', [{ type: 'agent_public_reply', at: MON('10:30') }]);
    expect(actions).toEqual([
      { type: 'warning', clock: 'first_response', fraction: 0.5, dueAt: MON('10:00'), at: MON('09:30') },
      { type: 'warning', clock: 'first_response', fraction: 0.75, dueAt: MON('10:00'), at: MON('09:45') },
      { type: 'breach', clock: 'first_response', dueAt: MON('10:00'), at: MON('10:00') },
      {
        type: 'met',
        clock: 'first_response',
        dueAt: MON('10:00'),
        at: MON('10:30'),
        breachedAt: MON('10:00'),
      },
    ]);
  });
});

describe('waiting on the customer', () => {
  it('pauses update and resolution, not first response; resuming recomputes the deadlines', () => {
    const waiting = run('P2', [
      { type: 'agent_public_reply', at: MON('09:20') },
      { type: 'waiting_on_customer', at: MON('09:40') },
    ]).state;
    expect(waiting.status).toBe('waiting');
    expect(clock(waiting, 'resolution')).toMatchObject({
      dueAt: null,
      pauses: [{ from: MON('09:40'), to: null }],
    });
    expect(clock(waiting, 'next_update').dueAt).toBeNull();
    expect(evaluateSla(snap, waiting, TUE('17:00'))).toMatchObject({ actions: [], nextCheckAt: null });
    const resumed = applySlaInput(snap, waiting, { type: 'resumed', at: MON('11:40') }).state;
    expect(resumed.status).toBe('open');
    expect(clock(resumed, 'resolution').dueAt).toBe(TUE('11:00'));
    expect(clock(resumed, 'next_update').dueAt).toBe(MON('13:20'));
  });

  it('never pauses the first response', () => {
    const { state } = run('P2', [{ type: 'waiting_on_customer', at: MON('09:10') }]);
    const tick = evaluateSla(snap, state, MON('10:00'));
    expect(tick.actions.at(-1)).toEqual({
      type: 'breach',
      clock: 'first_response',
      dueAt: MON('10:00'),
      at: MON('10:00'),
    });
  });

  it('a reply while waiting restarts the cadence paused until the customer answers', () => {
    const { state } = run('P2', [
      { type: 'waiting_on_customer', at: MON('09:10') },
      { type: 'agent_public_reply', at: MON('09:20') },
      { type: 'resumed', at: MON('13:00') },
    ]);
    expect(clock(state, 'first_response').metAt).toBe(MON('09:20'));
    expect(clock(state, 'next_update')).toMatchObject({ startedAt: MON('09:20'), dueAt: MON('15:00') });
  });
});

describe('resolve and reopen', () => {
  it('meets resolution, stops the cadence; a reopen counts the resolved time as paused', () => {
    const resolved = run('P2', [
      { type: 'agent_public_reply', at: MON('09:10') },
      { type: 'resolved', at: MON('11:00') },
    ]);
    expect(resolved.actions.at(-1)).toEqual({
      type: 'met',
      clock: 'resolution',
      dueAt: MON('17:00'),
      at: MON('11:00'),
      breachedAt: null,
    });
    expect(clock(resolved.state, 'next_update').stoppedAt).toBe(MON('11:00'));
    const reopened = applySlaInput(snap, resolved.state, { type: 'reopened', at: TUE('10:00') });
    expect(reopened.actions).toEqual([]);
    expect(clock(reopened.state, 'resolution')).toMatchObject({
      metAt: null,
      dueAt: TUE('16:00'),
      pauses: [{ from: MON('11:00'), to: TUE('10:00') }],
    });
    expect(clock(reopened.state, 'first_response').metAt).toBe(MON('09:10'));
    expect(clock(reopened.state, 'next_update')).toMatchObject({
      startedAt: TUE('10:00'),
      dueAt: TUE('12:00'),
    });
  });

  it('resolving without a public reply stops the first response for good', () => {
    const { state, actions } = run('P2', [
      { type: 'resolved', at: MON('09:30') },
      { type: 'reopened', at: MON('10:00') },
    ]);
    expect(actions.map((a) => `${a.type}:${a.clock}`)).toEqual(['warning:first_response', 'met:resolution']);
    expect(clock(state, 'first_response')).toMatchObject({
      stoppedAt: MON('09:30'),
      metAt: null,
      breachedAt: null,
    });
    expect(state.clocks.next_update).toBeNull();
    const replied = applySlaInput(snap, state, { type: 'agent_public_reply', at: MON('10:30') });
    expect(replied.actions).toEqual([]);
    expect(clock(replied.state, 'next_update').dueAt).toBe(MON('12:30'));
  });

  it('closing stops every running clock and ignores later inputs', () => {
    const { state } = run('P2', [
      { type: 'agent_public_reply', at: MON('09:10') },
      { type: 'closed', at: MON('09:50') },
      { type: 'agent_public_reply', at: MON('09:55') },
      { type: 'reopened', at: MON('09:56') },
    ]);
    expect(state.status).toBe('closed');
    expect(clock(state, 'resolution').stoppedAt).toBe(MON('09:50'));
    expect(clock(state, 'next_update')).toMatchObject({ startedAt: MON('09:10'), stoppedAt: MON('09:50') });
    expect(evaluateSla(snap, state, TUE('17:00'))).toMatchObject({ actions: [], nextCheckAt: null });
  });
});

describe('priority change', () => {
  it('a shorter target already past breaches at the change instant, never earlier', () => {
    const { state, actions } = run('P3', [{ type: 'priority_changed', at: MON('11:00'), priority: 'P1' }]);
    expect(actions.filter((a) => a.type === 'breach')).toEqual([
      { type: 'breach', clock: 'first_response', dueAt: MON('09:30'), at: MON('11:00') },
    ]);
    expect(clock(state, 'first_response')).toMatchObject({ breachedAt: MON('11:00'), dueAt: MON('09:30') });
    expect(clock(state, 'resolution')).toMatchObject({
      breachedAt: null,
      dueAt: MON('13:00'),
      targetMs: 240 * 60_000,
    });
    expect(state.priority).toBe('P1');
    expect(evaluateSla(snap, state, MON('11:00')).actions).toEqual([
      { type: 'warning', clock: 'resolution', fraction: 0.5, dueAt: MON('13:00'), at: MON('11:00') },
    ]);
  });

  it('keeps an earlier breach and emitted warnings; a longer target moves the deadline', () => {
    const breached = evaluateSla(snap, openClocks(snap, 'P2', MON('09:00')), MON('10:00')).state;
    const toP1 = applySlaInput(snap, breached, {
      type: 'priority_changed',
      at: MON('10:30'),
      priority: 'P1',
    });
    expect(toP1.actions.filter((a) => a.clock === 'first_response')).toEqual([]);
    expect(clock(toP1.state, 'first_response').breachedAt).toBe(MON('10:00'));
    const warned = evaluateSla(snap, openClocks(snap, 'P1', MON('09:00')), MON('09:20')).state;
    const toP3 = applySlaInput(snap, warned, { type: 'priority_changed', at: MON('09:21'), priority: 'P3' });
    expect(clock(toP3.state, 'first_response')).toMatchObject({
      dueAt: MON('13:00'),
      warned: [0.5],
      breachedAt: null,
    });
  });

  it('stops the cadence for a priority without one and restarts it at the change when one returns', () => {
    const { state } = run('P2', [
      { type: 'agent_public_reply', at: MON('09:10') },
      { type: 'priority_changed', at: MON('09:30'), priority: 'P4' },
      { type: 'priority_changed', at: MON('10:00'), priority: 'P1' },
    ]);
    expect(clock(state, 'next_update')).toMatchObject({ startedAt: MON('10:00'), dueAt: MON('11:00') });
  });
});

describe('evaluateSla', () => {
  it('warns at 0.5 and 0.75 of the target once each, breaches once, and says when to look again', () => {
    let state = openClocks(snap, 'P2', MON('09:00'));
    const seen: SlaAction[] = [];
    const checks: Array<number | null> = [];
    for (const now of [MON('09:29'), MON('09:30'), MON('09:30'), MON('09:50'), MON('10:00'), MON('10:00')]) {
      const r = evaluateSla(snap, state, now);
      state = r.state;
      seen.push(...r.actions);
      checks.push(r.nextCheckAt);
    }
    expect(seen.map((a) => [a.type, a.clock, a.at])).toEqual([
      ['warning', 'first_response', MON('09:30')],
      ['warning', 'first_response', MON('09:45')],
      ['breach', 'first_response', MON('10:00')],
    ]);
    expect(checks).toEqual([
      MON('09:30'),
      MON('09:45'),
      MON('09:45'),
      MON('10:00'),
      MON('13:00'),
      MON('13:00'),
    ]);
    expect(clock(state, 'first_response')).toMatchObject({ warned: [0.5, 0.75], breachedAt: MON('10:00') });
  });

  it('is idempotent at the same instant', () => {
    const first = evaluateSla(snap, openClocks(snap, 'P2', MON('09:00')), TUE('12:00'));
    expect(first.actions).toHaveLength(6);
    const again = evaluateSla(snap, first.state, TUE('12:00'));
    expect(again.actions).toEqual([]);
    expect(again.state).toBe(first.state);
    expect(again.nextCheckAt).toBeNull();
  });
});
