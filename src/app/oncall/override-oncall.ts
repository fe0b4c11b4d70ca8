import { DomainError } from '../../domain/errors.js';
import { inTransaction } from '../core/run-ticket-command.js';
import type { AppDeps, Result } from '../deps.js';
import { type ActorRef, hasRole, isStaff, requireStaff } from '../shared/actors.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "4h", "90m", "1d", "1h30m" → ms; null when malformed or outside 1 minute … 14 days. */
export function parseDuration(s: string): number | null {
  const parts = [
    ...s
      .trim()
      .toLowerCase()
      .matchAll(/(\d+)\s*([mhd])/g),
  ];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== s.trim().toLowerCase().replace(/\s+/g, ''))
    return null;
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  return ms >= 60_000 && ms <= 14 * 86_400_000 ? ms : null;
}

/**
 * `/oncall override @person <duration> [rotation]`: the person takes the pages of a rotation from
 * now for the duration. On-call engineers, leads and admins may set it; the rotation may be left out
 * when the person belongs to exactly one.
 */
export function overrideOnCall(
  deps: AppDeps,
  input: { actor: ActorRef; person: ActorRef; duration: string; rotation: string | null },
): Promise<Result<{ rotation: string; person: string; until: number; timezone: string }>> {
  return inTransaction(deps, async (uow) => {
    const at = deps.clock.now();
    const actor = await requireStaff(uow, input.actor, 'set on-call overrides');
    if (!['oncall', 'lead', 'admin'].some((r) => hasRole(actor, r as 'oncall')))
      throw new DomainError(
        'forbidden',
        'Only on-call engineers, leads and admins can set on-call overrides.',
      );
    const ms = parseDuration(input.duration);
    if (ms === null)
      throw new DomainError(
        'invalid_input',
        `"${input.duration}" is not a duration between 1m and 14d (e.g. 4h, 90m, 1d).`,
      );
    const person = await uow.directory.personByIdentity(input.person.platform, input.person.externalId);
    if (!isStaff(person))
      throw new DomainError('invalid_input', 'Only support staff registered in tierdesk can go on call.');
    const rotations = await uow.rotations.all();
    const named = input.rotation ? rotations.find((r) => r.name === input.rotation) : null;
    if (input.rotation && !named)
      throw new DomainError(
        'not_found',
        `No rotation "${input.rotation}" (rotations: ${rotations.map((r) => r.name).join(', ')}).`,
      );
    const member = rotations.filter((r) => r.members.includes(person.handle));
    const rotation = named ?? (member.length === 1 ? member[0]! : null);
    if (!rotation)
      throw new DomainError(
        'invalid_input',
        `Name the rotation: one of ${rotations.map((r) => r.name).join(', ')}.`,
      );
    await uow.admin.addOverride({
      rotation: rotation.name,
      personId: person.id,
      from: at,
      to: at + ms,
      createdBy: actor.id,
    });
    return {
      rotation: rotation.name,
      person: person.displayName,
      until: at + ms,
      timezone: rotation.timezone,
    };
  });
}
