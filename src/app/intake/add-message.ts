import type { Platform } from '../../domain/policy.js';
import { decide, type TicketEvent } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { MessageRecord, PersonRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';
import { inTransaction, slaInputsFor } from '../core/run-ticket-command.js';
import { commitChange, coreOf } from '../core/ticket-change.js';
import { type AppDeps, ok, type Result } from '../deps.js';
import { isStaff } from '../shared/actors.js';
import { threadReply } from '../shared/outbound.js';
import { formatInstant, reopenedReply } from '../shared/wording.js';

/** A message posted in a thread that may belong to a ticket (the customer's thread or the card's). */
export interface ThreadMessage {
  platform: Platform;
  channelId: string;
  threadRef: string;
  messageId: string;
  /** `external`: outside the support team's workspace (Slack Connect, guest) — always a customer. */
  author: { externalId: string; displayName: string; workspaceId: string | null; external?: boolean };
  text: string;
}

export type AddMessageOutcome =
  | { status: 'added'; ticket: TicketRecord; kind: 'customer' | 'public_reply' | 'internal_note' }
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: 'no_ticket' | 'ticket_closed' | 'customer_in_card_thread' };

async function record(
  uow: UnitOfWork,
  t: TicketRecord,
  msg: ThreadMessage,
  author: PersonRecord,
  kind: 'customer' | 'agent',
  visibility: 'public' | 'internal',
  at: number,
): Promise<MessageRecord | null> {
  return uow.messages.insert({
    ticketId: t.id,
    platform: msg.platform,
    externalId: msg.messageId,
    authorId: author.id,
    authorKind: kind,
    visibility,
    text: msg.text,
    createdAt: at,
  });
}

function added(m: MessageRecord): TicketEvent {
  return {
    type: 'message_added',
    messageId: m.id,
    authorKind: m.authorKind === 'customer' ? 'customer' : 'agent',
    visibility: m.visibility,
  };
}

/** For tiers with an update cadence: tell the customer when they will hear from the team next. */
function nextUpdateNotice(t: TicketRecord): OutboundMessage[] {
  const due = t.sla.clocks.next_update?.dueAt;
  if (due == null || t.status !== 'open') return [];
  const when = formatInstant(due, t.policySnapshot.calendar.timezone, t.updatedAt);
  return [
    threadReply(
      t,
      `next-update:${due}`,
      `Next update on ticket #${t.id} from the team by ${when} at the latest.`,
    ),
  ];
}

async function agentMessage(
  uow: UnitOfWork,
  t: TicketRecord,
  msg: ThreadMessage,
  agent: PersonRecord,
  via: 'customer' | 'card',
  at: number,
) {
  const m = await record(uow, t, msg, agent, 'agent', via === 'customer' ? 'public' : 'internal', at);
  if (!m) return null;
  if (via === 'card') {
    await uow.events.append(t.id, [added(m)], at, agent.id);
    return { ticket: t, kind: 'internal_note' as const };
  }
  const d = decide(coreOf(t), { type: 'agent_public_reply' }, at);
  if (!d.ok) throw d.error;
  const ticket = await commitChange(uow, t, {
    core: d.ticket,
    events: [...d.events, added(m)],
    slaInputs: [...slaInputsFor(d.events, at), { type: 'agent_public_reply', at }],
    actorId: agent.id,
    at,
    patch: { publicReplyCount: t.publicReplyCount + 1, firstResponseAt: t.firstResponseAt ?? at },
    messages: nextUpdateNotice,
  });
  return { ticket, kind: 'public_reply' as const };
}

async function customerMessage(
  uow: UnitOfWork,
  t: TicketRecord,
  msg: ThreadMessage,
  customer: PersonRecord,
  at: number,
) {
  const d = decide(coreOf(t), { type: 'customer_message' }, at);
  if (!d.ok) return null;
  const m = await record(uow, t, msg, customer, 'customer', 'public', at);
  if (!m) return 'duplicate' as const;
  const reopened = d.events.some((e) => e.type === 'reopened');
  const ticket = await commitChange(uow, t, {
    core: d.ticket,
    events: [...d.events, added(m)],
    slaInputs: slaInputsFor(d.events, at),
    actorId: customer.id,
    at,
    patch: reopened ? { reopenCount: t.reopenCount + 1, autoCloseAt: null } : {},
    ...(reopened
      ? {
          messages: (saved: TicketRecord) => [
            threadReply(saved, `reopened:${saved.reopenCount}`, reopenedReply(saved)),
          ],
        }
      : {}),
  });
  return { ticket, kind: 'customer' as const };
}

/**
 * Adds a thread message to its ticket. In the customer's thread staff replies are public replies
 * (first response, update cadence) and customer messages resume or reopen the ticket; in the card's
 * thread staff messages are internal notes that never reach the customer.
 */
export async function addMessage(deps: AppDeps, msg: ThreadMessage): Promise<Result<AddMessageOutcome>> {
  // Most threads in a busy channel are conversations, not tickets: one read, no transaction, tells.
  // Which ticket a thread belongs to never changes, so the transaction need not look again.
  const found = await deps.store.withoutTransaction((uow) =>
    uow.tickets.findByThread(msg.platform, msg.channelId, msg.threadRef),
  );
  if (!found) return ok({ status: 'ignored', reason: 'no_ticket' });
  return inTransaction(deps, async (uow): Promise<AddMessageOutcome> => {
    const at = deps.clock.now();
    if (await uow.messages.findByExternal(msg.platform, msg.messageId)) return { status: 'duplicate' };
    const t = (await uow.tickets.get(found.ticket.id, { forUpdate: true }))!;
    const known = await uow.directory.personByIdentity(msg.platform, msg.author.externalId);
    if (isStaff(known) && !msg.author.external) {
      const r = await agentMessage(uow, t, msg, known, found.via, at);
      return r ? { status: 'added', ...r } : { status: 'duplicate' };
    }
    if (found.via === 'card') return { status: 'ignored', reason: 'customer_in_card_thread' };
    const customer =
      known ??
      (await uow.directory.ensureCustomer({
        ...msg.author,
        platform: msg.platform,
        organizationId: t.organizationId,
      }));
    const r = await customerMessage(uow, t, msg, customer, at);
    if (r === null) return { status: 'ignored', reason: 'ticket_closed' };
    if (r === 'duplicate') return { status: 'duplicate' };
    return { status: 'added', ...r };
  });
}
