import type { AppDeps } from '../deps.js';
import {
  type CommandTicketRequest,
  type OrgRef,
  openTicketByCommand,
} from '../intake/open-ticket-by-command.js';
import type { CommandReply } from './command-reply.js';
import { TICKET_USAGE } from './parse-ticket-command.js';

/**
 * The form `/ticket new` opens on Slack and Discord when no text is given (character limits are
 * within both platforms': Slack's title 24, Discord's labels 45 and inputs 4,000).
 */
export const TICKET_FORM = {
  title: 'New support ticket',
  submit: 'Open ticket',
  summary: { label: 'Summary', placeholder: 'e.g. CSV exports fail since 9:00', max: 120 },
  description: {
    label: 'Description',
    placeholder: 'What happens, since when, who is affected',
    max: 3000,
  },
  org: { label: 'Organization (a request by phone or email)', max: 200 },
} as const;

/** Where and by whom `/ticket new` was run, as the adapter knows it. */
export type NewTicketContext = Omit<CommandTicketRequest, 'org' | 'summary' | 'text'>;

function openedText(
  r: { ticket: { id: number; subject: string; origin: { channelId: string } } },
  forOrg: string | null,
  duplicate: boolean,
): string {
  const t = r.ticket;
  if (duplicate) return `Ticket #${t.id} was already opened from this request.`;
  if (forOrg)
    return `Ticket #${t.id} is open for ${forOrg}: "${t.subject}". Its thread is in <#${t.origin.channelId}>, where the customer sees the team's replies.`;
  return `Ticket #${t.id} is open: "${t.subject}". The team answers in its thread in this channel.`;
}

/** Opens the ticket and words the outcome for the person (errors with the usage). */
export async function runNewTicket(
  deps: AppDeps,
  ctx: NewTicketContext,
  request: { org: OrgRef | null; summary: string | null; text: string },
): Promise<CommandReply> {
  const r = await openTicketByCommand(deps, { ...ctx, ...request });
  if (!r.ok) return { ok: false, text: `${r.error.message}\n\n${TICKET_USAGE}` };
  return {
    ok: true,
    text: openedText(r.value, r.value.forOrganization, r.value.duplicate),
    ticketId: r.value.ticket.id,
  };
}

/** The form's fields as submitted; `org` only when the form had it (staff gave org= with no text). */
export function submitTicketForm(
  deps: AppDeps,
  ctx: NewTicketContext,
  form: { summary: string; description: string; org: string | null },
): Promise<CommandReply> {
  const org = form.org?.trim() ? { exact: form.org.trim() } : null;
  return runNewTicket(deps, ctx, { org, summary: form.summary, text: form.description });
}
