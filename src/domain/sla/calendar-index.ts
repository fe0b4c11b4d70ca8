/**
 * Derived, cached data of a {@link CalendarSpec}: the real-time open pieces of each UTC day.
 *
 * Openness is defined pointwise, exactly as SLA.md states it: an instant is open when its *local*
 * wall-clock time (date, weekday, time of day in the calendar's zone) lies in one of that weekday's
 * intervals and the local date is not a holiday. Consequences on DST days:
 * - a 00:00–24:00 interval is 23 or 25 real hours long;
 * - local times in a spring-forward gap never occur, so an interval starting inside the gap opens at
 *   the first instant after it (02:30 on a 02:00→03:00 day opens at 03:00 local), one ending inside
 *   the gap closes at the transition;
 * - an ambiguous fall-back local time is open at both occurrences when the interval covers it. An
 *   interval that covers only part of the repeated hour is therefore open during that part of each
 *   occurrence, and may be two real pieces (01:30–03:00 on a New York fall-back day is open from
 *   01:30 EDT to 02:00 EDT and again from 01:30 EST to 03:00 EST, but not 01:00–01:30 EST).
 *
 * The zone's offsets come from luxon (IANA rules via Intl); nothing here knows DST rules. Pieces
 * are computed per UTC day ("chunk") from the zone's offset segments inside it, then cached.
 */
import { IANAZone } from 'luxon';
import type { CalendarSpec } from '../policy.js';
import { WEEKDAYS } from '../policy.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Upper bound of any search for open time: about 5 years of real time. */
export const SEARCH_LIMIT_MS = 1_827 * DAY_MS;

const MAX_CHUNKS_PER_CALENDAR = 20_000;
const MAX_COMPILED_BY_SIGNATURE = 512;
const MAX_OFFSETS_PER_ZONE = 50_000;

/** A calendar compiled for lookups. Derived data only; never serialized. */
export interface CompiledCalendar {
  readonly alwaysOpen: boolean;
  readonly zone: IANAZone;
  /** Per weekday index (0 = Monday): flat `[start, end, …]` in ms after local midnight (wall-clock). */
  readonly weekly: readonly (readonly number[])[];
  /** Holidays as local day numbers (days since 1970-01-01 of the local date). */
  readonly holidays: ReadonlySet<number>;
  /** UTC day index → flat sorted, merged open pieces `[from, to, …]` (epoch ms, half-open). */
  readonly chunks: Map<number, readonly number[]>;
  /** Offsets (ms) at the start of UTC days, shared by every calendar in the same zone. */
  readonly dayOffsets: Map<number, number>;
}

const byObject = new WeakMap<CalendarSpec, CompiledCalendar>();
const bySignature = new Map<string, CompiledCalendar>();
const offsetsByZone = new Map<string, Map<number, number>>();

/**
 * The compiled form of `cal`, cached by object identity and by content (snapshots are parsed from
 * JSON per ticket, so equal calendars arrive as distinct objects). Treat CalendarSpec as immutable.
 */
export function compileCalendar(cal: CalendarSpec): CompiledCalendar {
  const known = byObject.get(cal);
  if (known) return known;
  const signature = JSON.stringify([cal.timezone, cal.alwaysOpen, cal.weekly, cal.holidays]);
  let compiled = bySignature.get(signature);
  if (!compiled) {
    compiled = buildCalendar(cal);
    if (bySignature.size >= MAX_COMPILED_BY_SIGNATURE) bySignature.clear();
    bySignature.set(signature, compiled);
  }
  byObject.set(cal, compiled);
  return compiled;
}

function buildCalendar(cal: CalendarSpec): CompiledCalendar {
  const zone = IANAZone.create(cal.timezone);
  if (!zone.isValid) throw new Error(`calendar ${cal.name}: unknown time zone ${cal.timezone}`);
  const weekly = WEEKDAYS.map((day) =>
    mergePieces(
      (cal.weekly[day] ?? []).flatMap((iv) => [parseClock(iv.start, cal), parseClock(iv.end, cal)]),
    ),
  );
  const holidays = new Set(cal.holidays.map((h) => parseLocalDate(h, cal)));
  if (!cal.alwaysOpen && weekly.every((pieces) => pieces.length === 0)) {
    throw new Error(`calendar ${cal.name} has no opening hours: no deadline can ever be met`);
  }
  let dayOffsets = offsetsByZone.get(zone.name);
  if (!dayOffsets) {
    dayOffsets = new Map();
    offsetsByZone.set(zone.name, dayOffsets);
  }
  return { alwaysOpen: cal.alwaysOpen, zone, weekly, holidays, chunks: new Map(), dayOffsets };
}

/** `HH:MM` (00:00–24:00) → ms after local midnight. */
function parseClock(text: string, cal: CalendarSpec): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!m || Number(m[2]) > 59 || !(minutes <= 1440)) {
    throw new Error(`calendar ${cal.name}: invalid time of day ${text}`);
  }
  return minutes * MINUTE_MS;
}

/** `YYYY-MM-DD` → day number of that local date (pure calendar arithmetic, no zone involved). */
function parseLocalDate(text: string, cal: CalendarSpec): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`calendar ${cal.name}: invalid holiday ${text}`);
  return Math.floor(ms / DAY_MS);
}

/** Sorts flat `[from, to, …]` pairs, drops empty ones and merges overlapping or touching ones. */
export function mergePieces(flat: readonly number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const a = flat[i]!;
    const b = flat[i + 1]!;
    if (a < b) pairs.push([a, b]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    const last = out.length - 1;
    if (last > 0 && a <= out[last]!) out[last] = Math.max(out[last]!, b);
    else out.push(a, b);
  }
  return out;
}

/** Index of the UTC day containing `ms`. */
export function chunkIndex(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Open pieces of UTC day `c` (real time), sorted and merged; cached per calendar. */
export function chunkPieces(cc: CompiledCalendar, c: number): readonly number[] {
  const cached = cc.chunks.get(c);
  if (cached) return cached;
  const pieces = computeChunk(cc, c);
  if (cc.chunks.size >= MAX_CHUNKS_PER_CALENDAR) cc.chunks.clear();
  cc.chunks.set(c, pieces);
  return pieces;
}

function computeChunk(cc: CompiledCalendar, c: number): number[] {
  const segments = offsetSegments(cc, c);
  const raw: number[] = [];
  for (let i = 0; i < segments.length; i += 3) {
    const a = segments[i]!;
    const b = segments[i + 1]!;
    const offset = segments[i + 2]!;
    // Every instant t in [a, b) shows the wall-clock time t + offset.
    const lastDay = Math.floor((b - 1 + offset) / DAY_MS);
    for (let day = Math.floor((a + offset) / DAY_MS); day <= lastDay; day++) {
      if (cc.holidays.has(day)) continue;
      const intervals = cc.weekly[weekdayIndex(day)]!;
      for (let k = 0; k < intervals.length; k += 2) {
        const from = Math.max(day * DAY_MS + intervals[k]! - offset, a);
        const to = Math.min(day * DAY_MS + intervals[k + 1]! - offset, b);
        if (from < to) raw.push(from, to);
      }
    }
  }
  return mergePieces(raw);
}

/** 0 = Monday for a day number (1970-01-01 was a Thursday). */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * Flat `[from, to, offsetMs, …]` segments of constant UTC offset covering UTC day `c`.
 * Transitions are located by bisection to the millisecond between the day's two boundary offsets.
 * Assumes a zone never changes its offset and changes it back within one UTC day (no zone does).
 */
function offsetSegments(cc: CompiledCalendar, c: number): number[] {
  const start = c * DAY_MS;
  const end = start + DAY_MS;
  const endOffset = dayStartOffset(cc, c + 1);
  const out: number[] = [];
  let from = start;
  let offset = dayStartOffset(cc, c);
  while (offset !== endOffset) {
    const change = firstChange(cc.zone, from, end, offset);
    out.push(from, change, offset);
    from = change;
    offset = offsetAt(cc.zone, change);
  }
  if (from < end) out.push(from, end, offset);
  return out;
}

/** The first instant in (lo, hi] whose offset differs from `offset` (which holds at lo, not at hi). */
function firstChange(zone: IANAZone, lo: number, hi: number, offset: number): number {
  let a = lo;
  let b = hi;
  while (b - a > 1) {
    const mid = a + Math.floor((b - a) / 2);
    if (offsetAt(zone, mid) === offset) a = mid;
    else b = mid;
  }
  return b;
}

function dayStartOffset(cc: CompiledCalendar, c: number): number {
  const known = cc.dayOffsets.get(c);
  if (known !== undefined) return known;
  const offset = offsetAt(cc.zone, c * DAY_MS);
  if (cc.dayOffsets.size >= MAX_OFFSETS_PER_ZONE) cc.dayOffsets.clear();
  cc.dayOffsets.set(c, offset);
  return offset;
}

/** UTC offset of the zone at `ms`, in ms (luxon reports minutes). */
function offsetAt(zone: IANAZone, ms: number): number {
  return Math.round(zone.offset(ms) * MINUTE_MS);
}
