import { isDomainError } from '../../domain/errors.js';
import type { SlaInput } from '../../domain/sla/types.js';
import { decide, type TicketCommand, type TicketEvent } from '../../domain/ticket.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { PersonRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';
import { type AppDeps, fail, ok, type Result } from '../deps.js';
import { type ActorRef, loadVisibleTicket, requireStaff } from '../shared/actors.js';
import { commitChange, coreOf } from './ticket-change.js';

/** Clock inputs implied by lifecycle events (agent replies are added by the caller). */
export function slaInputsFor(events: TicketEvent[], at: number): SlaInput[] {
  return events.flatMap((e): SlaInput[] => {
    if (e.type === 'priority_changed') return [{ type: 'priority_changed', priority: e.to, at }];
    if (e.type !== 'status_changed') return [];
    if (e.to === 'waiting_on_customer') return [{ type: 'waiting_on_customer', at }];
    if (e.to === 'resolved') return [{ type: 'resolved', at }];
    if (e.to === 'closed') return [{ type: 'closed', at }];
    if (e.from === 'resolved' && e.to === 'open') return [{ type: 'reopened', at }];
    if (e.from === 'waiting_on_customer' && e.to === 'open') return [{ type: 'resumed', at }];
    return [];
  });
}

/** Runs `fn` in one transaction; expected failures come back as values and roll everything back. */
export async function inTransaction<T>(
  deps: AppDeps,
  fn: (uow: UnitOfWork) => Promise<T>,
): Promise<Result<T>> {
  try {
    return ok(await deps.store.transaction(fn));
  } catch (e) {
    if (isDomainError(e)) return fail(e);
    throw e;
  }
}

export interface StaffCommand {
  actor: ActorRef;
  ticketId: number;
  /** For the refusal message: "Only support staff can <what>." */
  what: string;
  command: (
    uow: UnitOfWork,
    actor: PersonRecord,
    ticket: TicketRecord,
  ) => Promise<TicketCommand> | TicketCommand;
  /** Messages to send besides the card refresh (e.g. a notice in the customer's thread). */
  messages?: (ticket: TicketRecord, actor: PersonRecord) => OutboundMessage[];
  patch?: (ticket: TicketRecord, at: number) => Partial<TicketRecord>;
  extraEvents?: TicketEvent[];
  /** Further writes in the same transaction once the change is saved (e.g. stop an escalation). */
  after?: (uow: UnitOfWork, ticket: TicketRecord, at: number) => Promise<void>;
}

/** The shape of every staff command: check role, lock the ticket, decide, commit. */
export function runStaffCommand(deps: AppDeps, c: StaffCommand): Promise<Result<TicketRecord>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const actor = await requireStaff(uow, c.actor, c.what);
    const ticket = await loadVisibleTicket(uow, actor, c.ticketId, true);
    const decision = decide(coreOf(ticket), await c.command(uow, actor, ticket), at);
    if (!decision.ok) throw decision.error;
    const events = [...decision.events, ...(decision.events.length > 0 ? (c.extraEvents ?? []) : [])];
    const saved = await commitChange(uow, ticket, {
      core: decision.ticket,
      events,
      slaInputs: slaInputsFor(decision.events, at),
      actorId: actor.id,
      at,
      ...(c.patch && events.length > 0 ? { patch: c.patch(ticket, at) } : {}),
      ...(c.messages && events.length > 0 ? { messages: (t: TicketRecord) => c.messages!(t, actor) } : {}),
    });
    if (c.after && events.length > 0) await c.after(uow, saved, at);
    return saved;
  });
}
