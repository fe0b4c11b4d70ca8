import { DateTime } from 'luxon';
import type { CalendarSpec, EscalationChain, EscalationTarget, TierEntitlements } from '../policy.js';
import type { EscalationAction, EscalationDecision, EscalationState, PageRecipient } from './types.js';

/**
 * Everything evaluation needs besides the state. Calendar functions are injected so this module does
 * not depend on the calendar implementation; they must agree with `calendar`.
 */
export interface EscalationContext {
  chain: EscalationChain;
  entitlements: TierEntitlements;
  /** The tier's calendar; only its name and zone are read here, for reasons. */
  calendar: CalendarSpec;
  isCalendarOpen: (ms: number) => boolean;
  /** The first open instant at or after `ms`. */
  nextCalendarOpen: (ms: number) => number;
  /** Who to page for a target at an instant (on-call lookup, role members, named people). */
  resolveRecipients: (target: EscalationTarget, at: number) => PageRecipient[];
}

const MINUTE_MS = 60_000;

/** A new active escalation whose first page is due at `at` (epoch ms). */
export function startEscalation(trigger: EscalationState['trigger'], at: number): EscalationState {
  return {
    trigger,
    status: 'active',
    startedAt: at,
    level: 0,
    pagesAtLevel: 0,
    lastPagedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    nextCheckAt: at,
  };
}

/** Stops paging because someone took it. Acknowledging a finished escalation returns it unchanged. */
export function acknowledge(state: EscalationState, by: string, at: number): EscalationState {
  if (state.status !== 'active') return state;
  return { ...state, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, nextCheckAt: null };
}

/**
 * Stops paging without an acknowledgement (ticket resolved, manual stop). `at` is accepted for
 * symmetry with the other transitions; the caller's timeline event records it.
 */
export function stopEscalation(state: EscalationState, _at: number): EscalationState {
  if (state.status !== 'active') return state;
  return { ...state, status: 'stopped', nextCheckAt: null };
}

/** Where the chain stands: `pages` attempts spent at `level`, next step due at `dueAt`. */
interface Cursor {
  level: number;
  pages: number;
  dueAt: number;
}

type Step = { kind: 'page'; level: number; attempt: number } | { kind: 'exhausted' };

/** The step after `pages` attempts at `level`: a repeat, the next level's first page, or the end. */
function stepAfter(chain: EscalationChain, level: number, pages: number): Step {
  const current = chain.levels[level];
  if (!current) return { kind: 'exhausted' };
  if (pages === 0 || pages <= current.repeat) return { kind: 'page', level, attempt: pages + 1 };
  return level + 1 < chain.levels.length
    ? { kind: 'page', level: level + 1, attempt: 1 }
    : { kind: 'exhausted' };
}

function waitMs(chain: EscalationChain, level: number): number {
  return (chain.levels[level]?.ackWaitMinutes ?? 0) * MINUTE_MS;
}

type Due =
  | { kind: 'exhausted' }
  | { kind: 'deferred'; cursor: Cursor; level: number; until: number }
  | { kind: 'page'; cursor: Cursor; level: number; attempt: number };

/**
 * Walks the schedule from `cursor` to the step due at `now`. Steps whose whole ack window already
 * passed (evaluation ran late) are skipped as if taken on time, so a late run pages once, not in a
 * burst. The chain's final page is never skipped: if its window also passed, it is paged now.
 */
function dueStep(ctx: EscalationContext, start: Cursor, now: number): Due {
  const restricted = !ctx.entitlements.pageOutOfHours;
  let cursor = start;
  for (;;) {
    const step = stepAfter(ctx.chain, cursor.level, cursor.pages);
    if (step.kind === 'exhausted') return step;
    const due =
      restricted && !ctx.isCalendarOpen(cursor.dueAt) ? ctx.nextCalendarOpen(cursor.dueAt) : cursor.dueAt;
    if (due > now) return { kind: 'deferred', cursor, level: step.level, until: due };
    const wait = waitMs(ctx.chain, step.level);
    const missed = wait > 0 && due + wait <= now;
    if (!missed || stepAfter(ctx.chain, step.level, step.attempt).kind === 'exhausted') {
      if (restricted && !ctx.isCalendarOpen(now)) {
        return { kind: 'deferred', cursor, level: step.level, until: ctx.nextCalendarOpen(now) };
      }
      return { kind: 'page', cursor, level: step.level, attempt: step.attempt };
    }
    cursor = { level: step.level, pages: step.attempt, dueAt: due + wait };
  }
}

function describeTarget(target: EscalationTarget): string {
  if ('rotation' in target) return `rotation ${target.rotation}`;
  if ('role' in target) return `role ${target.role}`;
  return `people ${target.people.join(', ')}`;
}

function deferredReason(ctx: EscalationContext, until: number): string {
  const local = DateTime.fromMillis(until, { zone: ctx.calendar.timezone, locale: 'en-US' }).toFormat(
    'ccc yyyy-LL-dd HH:mm',
  );
  return `calendar ${ctx.calendar.name} is closed and this tier is not paged out of hours; paging at ${local} (${ctx.calendar.timezone})`;
}

function finished(state: EscalationState, actions: EscalationAction[], now: number): EscalationDecision {
  const done: EscalationState = { ...state, status: 'exhausted', nextCheckAt: null };
  return { state: done, actions: [...actions, { type: 'exhausted', at: now }], nextCheckAt: null };
}

/** State at `c`; a cursor past the last level (after `no_recipient` there) stays on the last level. */
function withCursor(state: EscalationState, chain: EscalationChain, c: Cursor): EscalationState {
  const last = Math.max(chain.levels.length - 1, 0);
  return { ...state, level: Math.min(c.level, last), pagesAtLevel: c.level > last ? 0 : c.pages };
}

/**
 * Pages the due step, or records `no_recipient` and returns the cursor of the next level's first
 * page, due now (a cursor past the last level means exhausted).
 */
function page(
  ctx: EscalationContext,
  state: EscalationState,
  due: Extract<Due, { kind: 'page' }>,
  now: number,
  actions: EscalationAction[],
): EscalationDecision | Cursor {
  const level = ctx.chain.levels[due.level];
  const levelName = level?.name ?? `level ${due.level}`;
  // A tier without `pageOnCall` never pages an on-call rotation; its lead and named levels still page.
  const onCallBarred = !!level && 'rotation' in level.target && !ctx.entitlements.pageOnCall;
  const recipients = level && !onCallBarred ? ctx.resolveRecipients(level.target, now) : [];
  if (!level || recipients.length === 0) {
    const reason = onCallBarred
      ? `the ${ctx.chain.name} chain skips ${describeTarget(level.target)}: this tier may not page on-call engineers`
      : `nobody to page for ${level ? describeTarget(level.target) : 'a missing level'}`;
    actions.push({ type: 'no_recipient', level: due.level, levelName, at: now, reason });
    return { level: due.level + 1, pages: 0, dueAt: now };
  }
  const { attempt, level: index } = due;
  actions.push({
    type: 'page',
    level: index,
    levelName,
    attempt,
    recipients,
    notifyQueue: level.notifyQueue,
    at: now,
  });
  const nextCheckAt = now + level.ackWaitMinutes * MINUTE_MS;
  const paged = { ...state, level: index, pagesAtLevel: attempt, lastPagedAt: now, nextCheckAt };
  return { state: paged, actions, nextCheckAt };
}

/**
 * Decides what an active escalation does at `now` (epoch ms) and when to look again.
 *
 * - Inactive or not yet due (`now < nextCheckAt`): nothing.
 * - Tier without `pageOnCall`: levels that target an on-call rotation are skipped (`no_recipient`
 *   with the reason); levels that page a role or named people still page.
 * - Tier without `pageOutOfHours` while the calendar is closed: `deferred` until the next opening;
 *   nothing advances while deferred.
 * - Otherwise the due level is paged (attempt = pages so far + 1) and checked again after its
 *   `ackWaitMinutes` of wall-clock time. A level is paged 1 + `repeat` times, then the next level;
 *   after the last level's last wait, `exhausted`.
 * - No recipients for the level: `no_recipient`, and the next level is paged in the same evaluation.
 * - Late evaluation (the worker was down): missed pages are NOT replayed. Steps whose whole ack
 *   window lies in the past are skipped as if taken on time; only the step due now is paged, once, and
 *   gets a full ack window from now. The chain's final page is never skipped, so a long outage still
 *   pages the last level once before exhausting. Skipped attempts count in `pagesAtLevel` (they are
 *   spent) but not in `lastPagedAt`.
 */
export function evaluateEscalation(
  ctx: EscalationContext,
  state: EscalationState,
  now: number,
): EscalationDecision {
  if (state.status !== 'active') return { state, actions: [], nextCheckAt: null };
  if (state.nextCheckAt !== null && now < state.nextCheckAt) {
    return { state, actions: [], nextCheckAt: state.nextCheckAt };
  }
  const actions: EscalationAction[] = [];
  let cursor: Cursor = { level: state.level, pages: state.pagesAtLevel, dueAt: state.nextCheckAt ?? now };
  for (;;) {
    const due = dueStep(ctx, cursor, now);
    if (due.kind === 'exhausted') return finished(withCursor(state, ctx.chain, cursor), actions, now);
    if (due.kind === 'deferred') {
      const next = { ...withCursor(state, ctx.chain, due.cursor), nextCheckAt: due.until };
      const reason = deferredReason(ctx, due.until);
      actions.push({ type: 'deferred', level: due.level, until: due.until, reason, at: now });
      return { state: next, actions, nextCheckAt: due.until };
    }
    const outcome = page(ctx, state, due, now, actions);
    if ('state' in outcome) return outcome;
    cursor = outcome;
  }
}
