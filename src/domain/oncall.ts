import { DateTime } from 'luxon';
import { DomainError } from './errors.js';
import type { RotationPolicy } from './policy.js';

/** A temporary replacement: `person` is on call during [from, to) (epoch ms). */
export interface OnCallOverride {
  person: string;
  from: number;
  to: number;
}

/**
 * Who answers pages at an instant, and the interval [shiftStart, shiftEnd) (epoch ms) during which
 * that same answer holds. For `rotation` it is the rotation shift, trimmed where an override cuts into
 * it; for `override` the override, trimmed where a later-starting override takes over. Before the
 * rotation starts (no override active) `person` is null and `shiftStart` is `-Infinity`.
 */
export interface OnCallSlot {
  person: string | null;
  shiftStart: number;
  shiftEnd: number;
  via: 'rotation' | 'override';
}

const HOUR_MS = 3_600_000;

/** Overrides from the policy (ISO strings) then from the database; the later in this list wins ties. */
function allOverrides(rotation: RotationPolicy, extra: OnCallOverride[]): OnCallOverride[] {
  const fromPolicy = rotation.overrides.map((o) => ({
    person: o.person,
    from: DateTime.fromISO(o.from).toMillis(),
    to: DateTime.fromISO(o.to).toMillis(),
  }));
  return [...fromPolicy, ...extra].filter(
    (o) => Number.isFinite(o.from) && Number.isFinite(o.to) && o.from < o.to,
  );
}

/**
 * Shift starts are computed in "naive" local time (local wall-clock fields read as if they were UTC),
 * so adding k × shiftHours keeps handoffs at the same local time across DST; only the final step maps
 * a local time back to an instant. A handoff in a spring-forward gap moves forward by the gap; one in
 * a fall-back hour takes the later (standard-time) occurrence, as luxon resolves it.
 */
class ShiftClock {
  private readonly naiveStart: number;
  private readonly shiftMs: number;

  constructor(private readonly rotation: RotationPolicy) {
    const start = DateTime.fromISO(`${rotation.startDate}T${rotation.handoff}`, { zone: 'utc' });
    if (!start.isValid || rotation.shiftHours <= 0) {
      throw new DomainError(
        'invalid_input',
        `Rotation ${rotation.name} has an invalid start or shift length.`,
      );
    }
    this.naiveStart = start.toMillis();
    this.shiftMs = rotation.shiftHours * HOUR_MS;
  }

  /** Instant at which shift k starts. */
  startOf(k: number): number {
    const naive = DateTime.fromMillis(this.naiveStart + k * this.shiftMs, { zone: 'utc' });
    const local = DateTime.fromObject(
      { year: naive.year, month: naive.month, day: naive.day, hour: naive.hour, minute: naive.minute },
      { zone: this.rotation.timezone },
    );
    if (!local.isValid)
      throw new DomainError('invalid_input', `Rotation ${this.rotation.name} has an invalid zone.`);
    return local.toMillis();
  }

  /** The largest k with startOf(k) ≤ at (may be negative: before the rotation starts). */
  shiftAt(at: number): number {
    const local = DateTime.fromMillis(at, { zone: this.rotation.timezone });
    const naiveAt = at + local.offset * 60_000;
    let k = Math.floor((naiveAt - this.naiveStart) / this.shiftMs);
    // The naive estimate can be one off around DST transitions; shift starts are non-decreasing in k.
    while (this.startOf(k + 1) <= at) k += 1;
    while (this.startOf(k) > at) k -= 1;
    return k;
  }
}

/** Active override at `at`: the latest-starting; on equal starts the one listed later. */
function winningOverride(overrides: OnCallOverride[], at: number): OnCallOverride | null {
  let win: OnCallOverride | null = null;
  for (const o of overrides) {
    if (o.from <= at && at < o.to && (win === null || o.from >= win.from)) win = o;
  }
  return win;
}

/** Clip [start, end) around `at` to the part in which `beats` overrides do not take over. */
function clip(
  overrides: OnCallOverride[],
  at: number,
  start: number,
  end: number,
  beats: (o: OnCallOverride) => boolean,
): { start: number; end: number } {
  let s = start;
  let e = end;
  for (const o of overrides) {
    if (!beats(o)) continue;
    if (o.from > at && o.from < e) e = o.from;
    if (o.to <= at && o.to > s) s = o.to;
  }
  return { start: s, end: e };
}

function slotAt(
  clock: ShiftClock,
  rotation: RotationPolicy,
  overrides: OnCallOverride[],
  at: number,
): OnCallSlot {
  const o = winningOverride(overrides, at);
  if (o) {
    const idx = overrides.indexOf(o);
    const beats = (x: OnCallOverride) => x.from > o.from || (x.from === o.from && overrides.indexOf(x) > idx);
    const { start, end } = clip(overrides, at, o.from, o.to, beats);
    return { person: o.person, shiftStart: start, shiftEnd: end, via: 'override' };
  }
  const k = clock.shiftAt(at);
  const n = rotation.members.length;
  const person = k < 0 || n === 0 ? null : (rotation.members[k % n] ?? null);
  const shiftStart = k < 0 ? Number.NEGATIVE_INFINITY : clock.startOf(k);
  const { start, end } = clip(overrides, at, shiftStart, clock.startOf(Math.max(k + 1, 0)), () => true);
  return { person, shiftStart: start, shiftEnd: end, via: 'rotation' };
}

/**
 * Who is on call for `rotation` at instant `at` (epoch ms).
 *
 * Shift k starts at the local handoff time on `startDate` plus k × shiftHours of wall-clock time in
 * the rotation's zone (a 24h or 168h rotation hands off at the same local time on both sides of DST;
 * 12h shifts at 09:00/21:00 stay at 09:00/21:00), and belongs to members[k mod n]. Overrides (policy
 * ones, then `extraOverrides`) win while active; among active ones the latest-starting wins, and on
 * equal starts the one listed later (so database overrides beat policy ones).
 */
export function whoIsOnCall(
  rotation: RotationPolicy,
  at: number,
  extraOverrides: OnCallOverride[] = [],
): OnCallSlot {
  return slotAt(new ShiftClock(rotation), rotation, allOverrides(rotation, extraOverrides), at);
}

/**
 * Who takes over next after `at`: walks forward from the current slot's end to the first slot held by
 * a different person (or by nobody). If the next few handoffs all go to the same person (a one-member
 * rotation), returns the immediately following slot instead. `shiftStart` is the instant they take
 * over.
 */
export function nextOnCall(
  rotation: RotationPolicy,
  at: number,
  extraOverrides: OnCallOverride[] = [],
): OnCallSlot {
  const clock = new ShiftClock(rotation);
  const overrides = allOverrides(rotation, extraOverrides);
  const current = slotAt(clock, rotation, overrides, at);
  // Every handoff is a shift boundary or an override edge, so this bound reaches a different person
  // whenever one exists in the rotation.
  const maxSteps = rotation.members.length + 2 * overrides.length + 1;
  let first: OnCallSlot | null = null;
  let cursor = current.shiftEnd;
  for (let i = 0; i < maxSteps; i += 1) {
    const next = { ...slotAt(clock, rotation, overrides, cursor), shiftStart: cursor };
    first ??= next;
    if (next.person !== current.person) return next;
    cursor = next.shiftEnd;
  }
  return first ?? current;
}
