import { DomainError } from '../../domain/errors.js';
import type { Platform } from '../../domain/policy.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, hasRole, resolveActor } from '../shared/actors.js';

async function requireAdmin(
  uow: Parameters<Parameters<AppDeps['store']['transaction']>[0]>[0],
  actor: ActorRef,
) {
  const person = await resolveActor(uow, actor);
  if (!hasRole(person, 'admin'))
    throw new DomainError('forbidden', 'Only admins can link or unlink channels.');
  return person!;
}

/** Links a customer channel to an organization (admins only); re-linking moves it. */
export function linkChannel(
  deps: AppDeps,
  input: {
    actor: ActorRef;
    platform: Platform;
    channelId: string;
    organization: string;
    tier: string | null;
  },
): Promise<Result<{ organization: string; tier: string | null }>> {
  return inTransaction(deps, async (uow) => {
    await requireAdmin(uow, input.actor);
    const org = await uow.directory.organizationByName(input.organization);
    if (!org)
      throw new DomainError(
        'not_found',
        `No organization named "${input.organization}". Import it first (tierdesk import).`,
      );
    if (input.tier && !deps.policy.tiers.some((t) => t.name === input.tier))
      throw new DomainError(
        'unknown_tier',
        `"${input.tier}" is not a tier; use one of ${deps.policy.tiers.map((t) => t.name).join(', ')}.`,
      );
    await uow.admin.linkChannel(input.platform, input.channelId, org.id, input.tier);
    return { organization: org.name, tier: input.tier };
  });
}

export function unlinkChannel(
  deps: AppDeps,
  input: { actor: ActorRef; platform: Platform; channelId: string },
): Promise<Result<boolean>> {
  return inTransaction(deps, async (uow) => {
    await requireAdmin(uow, input.actor);
    const removed = await uow.admin.unlinkChannel(input.platform, input.channelId);
    if (!removed) throw new DomainError('not_found', 'This channel is not linked to any organization.');
    return true;
  });
}

/** Who the platform account is to tierdesk: person, roles, organization. */
export function whoAmI(
  deps: AppDeps,
  actor: ActorRef,
): Promise<Result<{ handle: string; name: string; roles: string[]; organization: string | null } | null>> {
  return inTransaction(deps, async (uow) => {
    const p = await resolveActor(uow, actor);
    if (!p) return null;
    const org = p.organizationId ? await uow.directory.organizationById(p.organizationId) : null;
    return { handle: p.handle, name: p.displayName, roles: p.roles, organization: org?.name ?? null };
  });
}
