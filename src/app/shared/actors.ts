import { DomainError } from '../../domain/errors.js';
import type { Platform, Role } from '../../domain/policy.js';
import type { PersonRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';

/** Who is acting, as the platform knows them. Use cases resolve it to a person and check roles. */
export interface ActorRef {
  platform: Platform;
  externalId: string;
}

export const STAFF_ROLES: readonly Role[] = ['agent', 'specialist', 'oncall', 'lead', 'admin'];

export function isStaff(p: PersonRecord | null): p is PersonRecord {
  return !!p && p.roles.some((r) => STAFF_ROLES.includes(r));
}

export function hasRole(p: PersonRecord | null, role: Role): boolean {
  return !!p && p.roles.includes(role);
}

export async function resolveActor(uow: UnitOfWork, actor: ActorRef): Promise<PersonRecord | null> {
  return uow.directory.personByIdentity(actor.platform, actor.externalId);
}

/** The acting person if they are staff; a forbidden error otherwise (customers, strangers). */
export async function requireStaff(uow: UnitOfWork, actor: ActorRef, what: string): Promise<PersonRecord> {
  const person = await resolveActor(uow, actor);
  if (!isStaff(person))
    throw new DomainError('forbidden', `Only support staff can ${what}.`, { actor: actor.externalId });
  return person;
}

/**
 * Loads a ticket the actor may see: staff see every ticket; a customer only their organization's.
 * Anything else is reported as not found, so ticket numbers of other organizations leak nothing.
 */
export async function loadVisibleTicket(
  uow: UnitOfWork,
  person: PersonRecord | null,
  ticketId: number,
  forUpdate = false,
): Promise<TicketRecord> {
  const ticket = await uow.tickets.get(ticketId, { forUpdate });
  const orgId = person?.organizationId ?? null;
  const visible = ticket !== null && (isStaff(person) || (orgId !== null && orgId === ticket.organizationId));
  if (!ticket || !visible)
    throw new DomainError('not_found', `Ticket #${ticketId} was not found.`, { ticketId });
  return ticket;
}
