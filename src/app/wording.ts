import { DateTime } from 'luxon';
import type { TicketRecord } from '../ports/store.js';

/** Customer-facing sentences. Times are shown in the tier calendar's zone, with the zone named. */

export function formatInstant(ms: number, zone: string, now: number): string {
  const dt = DateTime.fromMillis(ms, { zone });
  const sameDay = dt.hasSame(DateTime.fromMillis(now, { zone }), 'day');
  return sameDay ? dt.toFormat('HH:mm ZZZZ') : dt.toFormat('ccc d LLL HH:mm ZZZZ');
}

/** "Enterprise · P1 · security — first response due by 14:05 UTC" */
export function promiseLine(t: TicketRecord, now: number): string {
  const snap = t.policySnapshot;
  const due = t.sla.clocks.first_response?.dueAt;
  const when = due == null ? 'as soon as possible' : `by ${formatInstant(due, snap.calendar.timezone, now)}`;
  return `${snap.tierLabel} · ${t.priority} · ${t.domain} — first response due ${when}`;
}

export function openedReply(t: TicketRecord, now: number): string {
  const hours = t.policySnapshot.calendar.alwaysOpen ? 'around the clock' : 'during business hours';
  return `Thanks — this is ticket #${t.id}. ${promiseLine(t, now)}. Our ${t.policySnapshot.tierLabel} team works on it ${hours}; replies in this thread reach the team.`;
}

export function resolvedReply(t: TicketRecord, note: string | null): string {
  return `Ticket #${t.id} is resolved${note ? `: ${note}` : '.'} Reply in this thread within the next days to reopen it.`;
}

export function reopenedReply(t: TicketRecord): string {
  return `Ticket #${t.id} is open again; the team has been told.`;
}

export function subjectOf(text: string): string {
  const first = text.trim().split('\n')[0] ?? '';
  return first.length > 120 ? `${first.slice(0, 117)}…` : first || '(no text)';
}
