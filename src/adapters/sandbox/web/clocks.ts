import type { Clock } from './types.js';

const CLOCK_LABEL: Record<Clock['clock'], string> = {
  first_response: 'First response',
  next_update: 'Next update',
  resolution: 'Resolution',
};

const PARTS = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  year: 'numeric',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

function parts(ms: number): Record<string, string> {
  return Object.fromEntries(PARTS.formatToParts(ms).map((p) => [p.type, p.value]));
}

/**
 * A time as tierdesk writes every time (src/app/shared/wording.ts): 24-hour with the zone named,
 * "14:21 UTC", in the browser's zone; with the day ("Mon 2 Mar 14:21 UTC") unless it falls on the
 * same day as `today` (the sandbox's now), or always when `today` is not given.
 */
export function fmtTime(ms: number, today: number | null = null): string {
  const p = parts(ms);
  const time = `${p.hour}:${p.minute} ${p.timeZoneName}`;
  if (today !== null) {
    const t = parts(today);
    if (p.year === t.year && p.month === t.month && p.day === t.day) return time;
  }
  return `${p.weekday} ${p.day} ${p.month} ${time}`;
}

function fmtSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const hh = Math.floor((s % 86_400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  if (d > 0) return `${d} d ${hh} h`;
  if (hh > 0) return `${hh} h ${String(mm).padStart(2, '0')} min`;
  return `${mm} min ${String(ss).padStart(2, '0')} s`;
}

/** A card clock as words at the sandbox's "now": moves every second. */
export function clockText(c: Clock, now: number): { text: string; cls: string } {
  const label = CLOCK_LABEL[c.clock];
  if (c.state === 'met')
    return { text: `${label}: ${c.text.includes('late') ? 'met (late)' : 'met'}`, cls: 'met' };
  if (c.state === 'stopped') return { text: `${label}: no longer applies`, cls: 'stopped' };
  if (c.state === 'paused' || c.dueAt === null) return { text: `${label}: paused`, cls: 'paused' };
  const left = c.dueAt - now;
  if (c.state === 'breached' || left <= 0) {
    const since = now - (c.breachedAt ?? c.dueAt);
    return { text: `${label}: breached ${fmtSpan(since)} ago`, cls: 'breached' };
  }
  return { text: `${label}: due in ${fmtSpan(left)}`, cls: left < 5 * 60_000 ? 'at-risk' : 'running' };
}
