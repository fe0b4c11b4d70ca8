import type { Clock } from './types.js';

const CLOCK_LABEL: Record<Clock['clock'], string> = {
  first_response: 'First response',
  next_update: 'Next update',
  resolution: 'Resolution',
};

export function fmtTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
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
