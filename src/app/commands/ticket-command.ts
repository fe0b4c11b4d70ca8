import { DomainError } from '../../domain/errors.js';
import type { AppDeps, Result } from '../deps.js';
import { acknowledgeEscalation } from '../escalation/acknowledge-escalation.js';
import { escalateTicket } from '../escalation/escalate-ticket.js';
import type { ActorRef } from '../shared/actors.js';
import { clockLine } from '../shared/card-view.js';
import { addNote } from '../tickets/add-note.js';
import { assignTicket } from '../tickets/assign-ticket.js';
import { claimTicket } from '../tickets/claim-ticket.js';
import { reopenTicket } from '../tickets/reopen-ticket.js';
import { resolveTicket } from '../tickets/resolve-ticket.js';
import { setPriority } from '../tickets/set-priority.js';
import { setStatus } from '../tickets/set-status.js';
import { showTicket, type TicketView } from '../tickets/show-ticket.js';
import { unclaimTicket } from '../tickets/unclaim-ticket.js';
import type { CommandReply } from './command-reply.js';
import { type NewTicketContext, runNewTicket } from './new-ticket-command.js';
import { type ParsedTicketCommand, parseTicketCommand, TICKET_USAGE } from './parse-ticket-command.js';

export interface CommandContext {
  actor: ActorRef;
  /** The ticket whose thread the command was typed in, if any. */
  threadTicketId: number | null;
  /**
   * For `new`: where and by whom it was run; `form`: the adapter can show the form
   * (TICKET_FORM) when no text is given. Absent: `new` is refused.
   */
  newTicket?: NewTicketContext & { form: boolean };
}

const usageError = (message: string): CommandReply => ({ ok: false, text: `${message}\n\n${TICKET_USAGE}` });

export function describeTicket(v: TicketView, now: number): string {
  const t = v.ticket;
  const clocks = (['first_response', 'next_update', 'resolution'] as const)
    .map((k) => clockLine(t, k, now)?.text)
    .filter(Boolean)
    .join(' · ');
  const lines = [
    `#${t.id} · ${t.policySnapshot.tierLabel} · ${t.priority} · ${t.domain} · ${t.status.replaceAll('_', ' ')}`,
    t.subject,
    `SLA: ${clocks}`,
  ];
  if (v.viewerIsStaff) lines.push(`Queue: ${t.queue} — ${t.routeReasons.join('; ')}`);
  return lines.join('\n');
}

type Worked = Exclude<ParsedTicketCommand, { verb: 'new' }>;

function run(deps: AppDeps, actor: ActorRef, id: number, c: Worked) {
  switch (c.verb) {
    case 'claim':
      return claimTicket(deps, { actor, ticketId: id });
    case 'unclaim':
      return unclaimTicket(deps, { actor, ticketId: id });
    case 'assign':
      return assignTicket(deps, {
        actor,
        ticketId: id,
        assignee: { platform: actor.platform, externalId: c.assignee },
      });
    case 'priority':
      return setPriority(deps, { actor, ticketId: id, priority: c.priority });
    case 'waiting':
      return setStatus(deps, { actor, ticketId: id, status: 'waiting_on_customer' });
    case 'open':
      return setStatus(deps, { actor, ticketId: id, status: 'open' });
    case 'resolve':
      return resolveTicket(deps, { actor, ticketId: id, note: c.note });
    case 'reopen':
      return reopenTicket(deps, { actor, ticketId: id });
    case 'escalate':
      return escalateTicket(deps, { actor, ticketId: id, reason: c.reason });
    case 'note':
      return addNote(deps, { actor, ticketId: id, text: c.text });
    case 'ack':
      return acknowledgeEscalation(deps, { actor, ticketId: id });
    case 'show':
      return showTicket(deps, { actor, ticketId: id });
  }
}

const DONE: Record<Worked['verb'], string> = {
  claim: 'is yours',
  unclaim: 'is back in its queue',
  assign: 'is assigned',
  priority: 'has a new priority',
  waiting: 'is waiting on the customer',
  open: 'is open again',
  resolve: 'is resolved; the customer has been told',
  reopen: 'is reopened',
  escalate: 'is escalated; the chain pages now',
  note: 'has your note',
  ack: 'is acknowledged; paging stopped',
  show: '',
};

/** Runs a `/ticket` command typed on any platform; every failure comes back with the usage. */
export async function handleTicketCommand(
  deps: AppDeps,
  ctx: CommandContext,
  text: string,
): Promise<CommandReply> {
  const parsed = parseTicketCommand(text);
  if (!parsed.ok) return usageError(parsed.message);
  const c = parsed.command;
  if (c.verb === 'new') return newTicket(deps, ctx, c);
  const id = c.id ?? ctx.threadTicketId;
  if (id === null)
    return usageError(
      `Which ticket? Add its number (e.g. "/ticket ${c.verb} #42") or run it in the ticket's thread.`,
    );
  const r = (await run(deps, ctx.actor, id, c)) as Result<unknown>;
  if (!r.ok) return usageError(r.error.message);
  if (c.verb === 'show')
    return { ok: true, text: describeTicket(r.value as TicketView, deps.clock.now()), ticketId: id };
  return { ok: true, text: `Ticket #${id} ${DONE[c.verb]}.`, ticketId: id };
}

/** `new`: opens the ticket, or asks the adapter for the form when no text is given. */
function newTicket(
  deps: AppDeps,
  ctx: CommandContext,
  c: Extract<ParsedTicketCommand, { verb: 'new' }>,
): Promise<CommandReply> | CommandReply {
  const where = ctx.newTicket;
  if (!where) return usageError('new cannot be used here.');
  if (!c.text && !(c.org && 'leading' in c.org)) {
    if (where.form) return { ok: true, text: '', form: { org: c.org ? c.org.exact : null } };
    return usageError('new needs the request: /ticket new <what happened>.');
  }
  const { form: _form, ...context } = where;
  return runNewTicket(deps, context, { org: c.org, summary: null, text: c.text });
}

/** Turns an unexpected failure into the same shape (the process never crashes on input). */
export function internalErrorReply(e: unknown): CommandReply {
  const msg =
    e instanceof DomainError
      ? e.message
      : 'Something went wrong on our side; nothing was changed. Please try again.';
  return { ok: false, text: msg };
}

export type { CommandReply } from './command-reply.js';
