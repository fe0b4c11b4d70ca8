import { applySlaInput } from '../../domain/sla/clocks.js';
import { evaluateSla } from '../../domain/sla/evaluate.js';
import type { SlaAction, SlaInput, SlaState } from '../../domain/sla/types.js';
import type { TicketCore, TicketEvent } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { TicketRecord, UnitOfWork } from '../../ports/store.js';
import { slaConsequences } from './sla-change-consequences.js';

/** One change to a ticket, decided by the domain; `commitChange` persists all of it in the caller's transaction. */
export interface TicketChange {
  core: TicketCore;
  events: TicketEvent[];
  slaInputs: SlaInput[];
  actorId: number | null;
  at: number;
  /** Other fields that change with it (counters, timestamps). */
  patch?: Partial<Omit<TicketRecord, 'id' | 'version'>>;
  /** Outbound messages besides the card refresh. */
  messages?: (ticket: TicketRecord) => OutboundMessage[];
  /** Refresh the card in the queue channel (default true when anything changed). */
  refreshCard?: boolean;
}

export function slaEvents(actions: SlaAction[]): TicketEvent[] {
  return actions.map(
    (a): TicketEvent =>
      a.type === 'met'
        ? { type: 'sla_met', clock: a.clock, dueAt: a.dueAt, breachedAt: a.breachedAt }
        : a.type === 'breach'
          ? { type: 'sla_breached', clock: a.clock, dueAt: a.dueAt, breachedAt: a.at }
          : { type: 'sla_warning', clock: a.clock, fraction: a.fraction, dueAt: a.dueAt },
  );
}

/** Applies clock inputs; returns the new state, its events and when the SLA tick must look next. */
export function moveClocks(ticket: TicketRecord, inputs: SlaInput[], at: number) {
  let sla: SlaState = ticket.sla;
  const actions: SlaAction[] = [];
  for (const input of inputs) {
    const r = applySlaInput(ticket.policySnapshot, sla, input);
    sla = r.state;
    actions.push(...r.actions);
  }
  // Warnings and breaches falling due now are the SLA tick's to announce: wake it now.
  const due = evaluateSla(ticket.policySnapshot, sla, at);
  const nextCheckAt = due.actions.length > 0 ? at : due.nextCheckAt;
  return { sla, actions, events: slaEvents(actions), nextCheckAt };
}

/** A refresh of the ticket's card; `reason` distinguishes refreshes that are not ticket versions. */
export function cardMessage(ticket: TicketRecord, reason?: string): OutboundMessage[] {
  if (!ticket.card) return [];
  return [
    {
      key: `ticket:${ticket.id}:card:${reason ?? `v${ticket.version}`}`,
      platform: ticket.card.platform,
      orderingKey: `ticket:${ticket.id}`,
      body: { kind: 'ticket_card', channelId: ticket.card.channelId, ticketId: ticket.id },
    },
  ];
}

/** Persists a decided change: ticket row, clocks, timeline events and outbox messages, in one transaction. */
export async function commitChange(
  uow: UnitOfWork,
  ticket: TicketRecord,
  change: TicketChange,
): Promise<TicketRecord> {
  const clocks = moveClocks(ticket, change.slaInputs, change.at);
  const events = [...change.events, ...clocks.events];
  const changed = events.length > 0 || change.slaInputs.length > 0 || change.patch !== undefined;
  if (!changed && !change.messages) return ticket;
  const next: TicketRecord = {
    ...ticket,
    ...change.patch,
    status: change.core.status,
    priority: change.core.priority,
    assigneeId: change.core.assigneeId,
    acknowledgedAt: change.core.acknowledgedAt,
    resolvedAt: change.core.resolvedAt,
    sla: clocks.sla,
    slaNextCheckAt: clocks.nextCheckAt,
    updatedAt: change.at,
  };
  const saved = changed ? await uow.tickets.update(next) : ticket;
  // A breach found while applying an input (e.g. a priority change) escalates like one the tick finds.
  const consequences = await slaConsequences(uow, saved, clocks.actions, change.at);
  await uow.events.append(ticket.id, [...events, ...consequences.events], change.at, change.actorId);
  const outbound = [
    ...consequences.messages,
    ...(change.messages?.(saved) ?? []),
    ...(change.refreshCard === false || !changed ? [] : cardMessage(saved)),
  ];
  await uow.outbox.enqueue(outbound, ticket.id, change.at);
  return saved;
}

export function coreOf(t: TicketRecord): TicketCore {
  return {
    id: t.id,
    status: t.status,
    priority: t.priority,
    assigneeId: t.assigneeId,
    acknowledgedAt: t.acknowledgedAt,
    resolvedAt: t.resolvedAt,
  };
}
