/**
 * Business-time arithmetic on a {@link CalendarSpec}. Instants are epoch ms (UTC); durations named
 * "business" count only real (not wall-clock) time inside opening intervals; see calendar-index.ts
 * for how DST gaps and repeated hours are interpreted.
 */
import type { CalendarSpec } from '../policy.js';
import {
  type CompiledCalendar,
  chunkIndex,
  chunkPieces,
  compileCalendar,
  DAY_MS,
  SEARCH_LIMIT_MS,
} from './calendar-index.js';
import type { PauseInterval } from './types.js';

/** Receives open, unpaused pieces [from, to) in increasing order; returns true to stop the walk. */
type Visit = (from: number, to: number) => boolean;

/**
 * Pauses as flat sorted disjoint `[from, to, …]`; an open-ended pause (`to` null) ends at +Infinity.
 * Empty or inverted pauses are ignored.
 */
function normalizePauses(pauses: readonly PauseInterval[]): number[] {
  const pairs = pauses
    .map((p): [number, number] => [p.from, p.to ?? Number.POSITIVE_INFINITY])
    .filter(([a, b]) => a < b)
    .sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    const last = out.length - 1;
    if (last > 0 && a <= out[last]!) out[last] = Math.max(out[last]!, b);
    else out.push(a, b);
  }
  return out;
}

/**
 * Walks the open pieces of [fromMs, untilMs) minus `pauses` (normalized), in order.
 * Returns true when `visit` stopped the walk.
 */
function walkOpen(
  cc: CompiledCalendar,
  fromMs: number,
  untilMs: number,
  pauses: number[],
  visit: Visit,
): boolean {
  let p = 0;
  const emit = (a: number, b: number): boolean => {
    while (p < pauses.length && pauses[p + 1]! <= a) p += 2;
    let cursor = a;
    for (let q = p; q < pauses.length && pauses[q]! < b; q += 2) {
      if (pauses[q]! > cursor && visit(cursor, pauses[q]!)) return true;
      cursor = Math.max(cursor, pauses[q + 1]!);
      if (cursor >= b) return false;
    }
    return cursor < b && visit(cursor, b);
  };
  if (cc.alwaysOpen) return fromMs < untilMs && emit(fromMs, untilMs);
  for (let c = chunkIndex(fromMs); c * DAY_MS < untilMs; c++) {
    c = skipPausedChunks(c, pauses, untilMs);
    const pieces = chunkPieces(cc, c);
    for (let k = 0; k < pieces.length; k += 2) {
      const a = Math.max(pieces[k]!, fromMs);
      const b = Math.min(pieces[k + 1]!, untilMs);
      if (a < b && emit(a, b)) return true;
    }
  }
  return false;
}

/** Jumps over whole UTC days inside one pause (long waits on the customer are common). */
function skipPausedChunks(c: number, pauses: number[], untilMs: number): number {
  const start = c * DAY_MS;
  for (let q = 0; q < pauses.length; q += 2) {
    if (pauses[q]! <= start && pauses[q + 1]! > start) {
      return Math.max(c, chunkIndex(Math.min(pauses[q + 1]!, untilMs)));
    }
  }
  return c;
}

/**
 * The real-time open intervals `[from, to)` (epoch ms) of `cal` that intersect [fromMs, toMs),
 * clipped to it, merged and sorted.
 */
export function openIntervals(cal: CalendarSpec, fromMs: number, toMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  walkOpen(compileCalendar(cal), fromMs, toMs, [], (a, b) => {
    const last = out[out.length - 1];
    if (last && last[1] >= a) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
    return false;
  });
  return out;
}

/** Whether `cal` is open at instant `ms` (epoch ms). */
export function isOpen(cal: CalendarSpec, ms: number): boolean {
  return walkOpen(compileCalendar(cal), ms, ms + 1, [], () => true);
}

/**
 * The first open instant at or after `ms` (epoch ms): `ms` itself when open.
 * Throws when nothing opens within about 5 years (a calendar validation failure, not a runtime case).
 */
export function nextOpenInstant(cal: CalendarSpec, ms: number): number {
  let found = Number.NaN;
  walkOpen(compileCalendar(cal), ms, ms + SEARCH_LIMIT_MS, [], (a) => {
    found = a;
    return true;
  });
  if (Number.isNaN(found)) throw noOpenTime(cal, ms);
  return found;
}

/**
 * Business time in ms inside [fromMs, toMs), minus the business time inside `pauses`
 * (a pause with `to` null extends to +infinity). 0 when toMs ≤ fromMs.
 */
export function businessMs(
  cal: CalendarSpec,
  fromMs: number,
  toMs: number,
  pauses: readonly PauseInterval[] = [],
): number {
  let total = 0;
  walkOpen(compileCalendar(cal), fromMs, toMs, normalizePauses(pauses), (a, b) => {
    total += b - a;
    return false;
  });
  return total;
}

/**
 * The earliest instant t (epoch ms) such that the business time in [startMs, t) outside `pauses`
 * is ≥ `targetMs` (business ms). A target of 0 gives the first open, unpaused instant at or after
 * startMs. Null when an open-ended pause begins before the target is met (the clock is paused).
 * Throws when the target cannot be met within about 5 years without such a pause.
 */
export function deadline(
  cal: CalendarSpec,
  startMs: number,
  targetMs: number,
  pauses: readonly PauseInterval[] = [],
): number | null {
  return deadlines(cal, startMs, [targetMs], pauses)[0]!;
}

/**
 * {@link deadline} for several business-ms targets from the same start in one walk (e.g. warning
 * fractions and the due instant). Results are in the order of `targetsMs`.
 */
export function deadlines(
  cal: CalendarSpec,
  startMs: number,
  targetsMs: readonly number[],
  pauses: readonly PauseInterval[] = [],
): Array<number | null> {
  if (!Number.isFinite(startMs)) throw new RangeError(`deadline: start ${startMs} is not an instant`);
  if (targetsMs.some((t) => !(t >= 0) || !Number.isFinite(t))) {
    throw new RangeError(`deadline: targets must be finite and ≥ 0, got ${targetsMs.join(', ')}`);
  }
  const order = targetsMs.map((_, i) => i).sort((x, y) => targetsMs[x]! - targetsMs[y]!);
  const results: Array<number | null> = targetsMs.map(() => null);
  const normalized = normalizePauses(pauses);
  const pausedForeverAt = openEndedPauseStart(normalized);
  const limit = startMs + SEARCH_LIMIT_MS;
  const horizon = Math.min(Math.max(pausedForeverAt, startMs), limit);
  let next = 0;
  let elapsed = 0;
  walkOpen(compileCalendar(cal), startMs, horizon, normalized, (a, b) => {
    while (next < order.length && targetsMs[order[next]!]! - elapsed <= b - a) {
      results[order[next]!] = a + (targetsMs[order[next]!]! - elapsed);
      next++;
    }
    elapsed += b - a;
    return next === order.length;
  });
  if (next < order.length && pausedForeverAt >= limit) throw noOpenTime(cal, startMs);
  return results;
}

function openEndedPauseStart(normalized: number[]): number {
  const last = normalized.length - 1;
  return last > 0 && normalized[last] === Number.POSITIVE_INFINITY
    ? normalized[last - 1]!
    : Number.POSITIVE_INFINITY;
}

function noOpenTime(cal: CalendarSpec, fromMs: number): Error {
  return new Error(
    `calendar ${cal.name}: not enough open time within 5 years after ${new Date(fromMs).toISOString()}`,
  );
}
