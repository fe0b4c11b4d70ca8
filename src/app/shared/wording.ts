import { DateTime } from 'luxon';
import type { TicketRecord } from '../../ports/store.js';

/** Customer-facing sentences. Times are shown in the tier calendar's zone, with the zone named. */

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in a zone ("2026-03-02"), with one cached formatter per zone. */
function localDay(ms: number, zone: string): string {
  let f = dayFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(zone, f);
  }
  return f.format(ms);
}

/**
 * Formatting a zoned time with luxon costs about 0.1 ms, and every ticket opened, reply and warning
 * formats one. The text depends only on the zone, the minute and whether it falls on today, so
 * answers are kept (a bounded cache: a flood's deadlines share a few hundred minutes).
 */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 10_000;

/**
 * The one way tierdesk writes a time, on every platform and in the sandbox page: 24-hour, with the
 * zone named as the English short name ("14:05 UTC", "09:05 EST", "15:05 GMT+1"); the day only when
 * it is not today in that zone ("Mon 9 Mar 10:00 EDT"). The locale is fixed, so a server set to
 * another language writes the same.
 */
export function formatInstant(ms: number, zone: string, now: number): string {
  const sameDay = localDay(ms, zone) === localDay(now, zone);
  const key = `${zone}|${Math.floor(ms / 60_000)}|${sameDay ? 1 : 0}`;
  const hit = formatted.get(key);
  if (hit !== undefined) return hit;
  const dt = DateTime.fromMillis(ms, { zone, locale: 'en-US' });
  const text = sameDay ? dt.toFormat('HH:mm ZZZZ') : dt.toFormat(DAY_AND_TIME);
  if (formatted.size >= FORMATTED_MAX) formatted.clear();
  formatted.set(key, text);
  return text;
}

const DAY_AND_TIME = 'ccc d LLL HH:mm ZZZZ';

/** A time with its day always ("Mon 9 Mar 10:00 EDT"): shift ends and starts, which are rarely today. */
export function formatDayAndTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone, locale: 'en-US' }).toFormat(DAY_AND_TIME);
}

/** "acknowledged by Jun Watanabe 10:40 UTC": on a card and on the page that was acknowledged. */
export function acknowledgedLine(name: string, at: number, zone: string, now: number): string {
  return `acknowledged by ${name} ${formatInstant(at, zone, now)}`;
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

/** How much of a request a root message quotes: Discord's 2,000 characters hold it with the rest. */
const ROOT_REQUEST_MAX = 1500;

/**
 * The root message of a ticket opened by `/ticket new` (no customer message holds the request):
 * the ticket, who opened it, and the request below its first line (the subject).
 */
export function commandRootText(t: TicketRecord, opener: string, forOrganization: string | null): string {
  const who = forOrganization
    ? `Opened for ${forOrganization} by ${opener} (a request by phone or email).`
    : `Opened by ${opener} with /ticket new.`;
  const firstLine = t.description.trim().split('\n')[0] ?? '';
  const rest = t.description.trim().slice(firstLine.length).trim();
  const chars = [...rest];
  const request =
    chars.length > ROOT_REQUEST_MAX ? `${chars.slice(0, ROOT_REQUEST_MAX - 1).join('')}…` : rest;
  return [`🎫 Ticket #${t.id}: ${t.subject}`, who, ...(request ? ['', request] : [])].join('\n');
}
