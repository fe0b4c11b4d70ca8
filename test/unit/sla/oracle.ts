/**
 * Brute-force reference for business time, independent of src/domain/sla: it classifies each real
 * minute as open or closed by converting the instant to local time with luxon and checking the
 * weekday's intervals and the holiday list, then counts minutes. No interval construction at all.
 *
 * Speed: luxon's local view is memoized per UTC hour. That is exact for the zones used here
 * (America/New_York, Europe/Berlin, UTC): their offsets are whole hours and change only on whole
 * UTC hours, so every minute of a UTC hour shares the local date, weekday and hour
 * (oracle.test.ts checks this against luxon minute by minute around every transition).
 */
import { DateTime } from 'luxon';
import type { CalendarSpec } from '../../../src/domain/policy.js';
import { WEEKDAYS } from '../../../src/domain/policy.js';
import type { PauseInterval } from '../../../src/domain/sla/types.js';

export const MIN = 60_000;
export const HOUR = 3_600_000;

interface LocalHour {
  date: string;
  weekday: number;
  hour: number;
}

const hourMemo = new Map<string, Map<number, LocalHour>>();

/** Local date, weekday (1 = Monday) and hour of the UTC hour containing `t`, by luxon. */
export function localHour(zone: string, t: number): LocalHour {
  let memo = hourMemo.get(zone);
  if (!memo) {
    memo = new Map();
    hourMemo.set(zone, memo);
  }
  const key = Math.floor(t / HOUR);
  let view = memo.get(key);
  if (!view) {
    const dt = DateTime.fromMillis(key * HOUR, { zone });
    view = { date: dt.toISODate()!, weekday: dt.weekday, hour: dt.hour };
    memo.set(key, view);
  }
  return view;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Open-or-closed per real minute of one calendar, lazily filled from a base minute. */
export class OracleCalendar {
  private readonly bits = new Map<number, boolean>();
  private readonly holidays: Set<string>;
  private readonly days: Array<Array<[number, number]>>;

  constructor(private readonly spec: CalendarSpec) {
    this.holidays = new Set(spec.holidays);
    this.days = WEEKDAYS.map((d) =>
      spec.weekly[d].map((iv): [number, number] => [minutesOf(iv.start), minutesOf(iv.end)]),
    );
  }

  /** Whether the minute starting at `t` (a whole minute) is open. */
  open(t: number): boolean {
    if (this.spec.alwaysOpen) return true;
    const known = this.bits.get(t);
    if (known !== undefined) return known;
    const local = localHour(this.spec.timezone, t);
    const minute = local.hour * 60 + Math.floor((t % HOUR) / MIN);
    const open =
      !this.holidays.has(local.date) &&
      this.days[local.weekday - 1]!.some(([s, e]) => minute >= s && minute < e);
    this.bits.set(t, open);
    return open;
  }
}

function pausedAt(pauses: readonly PauseInterval[], t: number): 'no' | 'yes' | 'forever' {
  for (const p of pauses) {
    if (t >= p.from && p.to === null) return 'forever';
    if (t >= p.from && p.to !== null && t < p.to) return 'yes';
  }
  return 'no';
}

/**
 * Earliest t with business ms in [start, t) outside pauses ≥ targetMs; start and pause bounds on whole
 * minutes, any targetMs ≥ 0. Null when an open-ended pause is reached first.
 */
export function oracleDeadline(
  cal: OracleCalendar,
  start: number,
  targetMs: number,
  pauses: readonly PauseInterval[] = [],
): number | null {
  const due = oracleDueBefore(cal, start, targetMs, pauses, start + 400 * 1440 * MIN);
  if (due === undefined) throw new Error('oracle: deadline beyond 400 days');
  return due;
}

/**
 * Like {@link oracleDeadline}, but scans only the minutes starting at or before `until`; undefined
 * when the deadline is not in them (a found deadline may still lie up to a minute after `until`).
 */
export function oracleDueBefore(
  cal: OracleCalendar,
  start: number,
  targetMs: number,
  pauses: readonly PauseInterval[],
  until: number,
): number | null | undefined {
  let elapsed = 0;
  for (let t = start; t <= until; t += MIN) {
    const paused = pausedAt(pauses, t);
    if (paused === 'forever') return null;
    if (paused === 'yes' || !cal.open(t)) continue;
    if (elapsed + MIN >= targetMs) return t + (targetMs - elapsed);
    elapsed += MIN;
  }
  return undefined;
}

/** Business ms in [from, to) outside pauses (whole-minute bounds). */
export function oracleBusinessMs(
  cal: OracleCalendar,
  from: number,
  to: number,
  pauses: readonly PauseInterval[] = [],
): number {
  let total = 0;
  for (let t = from; t < to; t += MIN) if (cal.open(t) && pausedAt(pauses, t) === 'no') total += MIN;
  return total;
}

/** Open intervals of [from, to) as merged [start, end) pairs (whole-minute bounds). */
export function oracleIntervals(cal: OracleCalendar, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = from; t < to; t += MIN) {
    if (!cal.open(t)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === t) last[1] = t + MIN;
    else out.push([t, t + MIN]);
  }
  return out;
}
