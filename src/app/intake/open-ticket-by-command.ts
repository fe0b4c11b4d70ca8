import { DomainError } from '../../domain/errors.js';
import type { Platform } from '../../domain/policy.js';
import { normalizeText } from '../../domain/text.js';
import type { OrganizationRecord, TicketRecord, UnitOfWork } from '../../ports/store.js';
import { type AppDeps, fail, ok, type Result } from '../deps.js';
import { type ActorRef, isStaff, resolveActor } from '../shared/actors.js';
import { commandOriginId } from '../shared/outbound.js';
import { openTicket } from './open-ticket.js';

/** Whom `/ticket new org=…` opens a ticket for, as typed. */
export type OrgRef =
  /** `org="Northwind Bank"`: exactly this name (any case). */
  | { exact: string }
  /** `org=Northwind Bank exports fail`: the organization whose name the words begin with; the rest is the request. */
  | { leading: string };

/** `/ticket new`, typed or sent from its form, as an adapter hands it over. */
export interface CommandTicketRequest {
  actor: ActorRef;
  /** The platform's name for the actor (a first-time customer is recorded with it). */
  displayName: string;
  workspaceId: string | null;
  /** The channel the command was run in (inside a thread: the thread's channel). */
  channelId: string;
  /**
   * The platform's id of this invocation (Slack trigger id, Discord interaction id, the sandbox's
   * client id): the ticket's origin, so the same submission never opens two tickets.
   */
  invocationId: string;
  org: OrgRef | null;
  /** From the form: the summary, which becomes the subject; null for a typed command. */
  summary: string | null;
  /** The request (the form's description). */
  text: string;
}

export interface CommandTicketOpened {
  ticket: TicketRecord;
  /** The same invocation had already opened it. */
  duplicate: boolean;
  /** Set when staff opened it for an organization: its name. */
  forOrganization: string | null;
}

/** Where the ticket goes and for whom, once the roles are checked. */
interface Placement {
  organization: OrganizationRecord;
  /** The customer channel the ticket's thread goes in. */
  channelId: string;
  onBehalf: boolean;
  /** The request, without an organization's name typed before it. */
  text: string;
}

const PLATFORM_NAME: Record<Platform, string> = {
  slack: 'Slack',
  discord: 'Discord',
  sandbox: 'the sandbox',
};

/** The organization an `org=` names; for `leading`, also the request typed after the name. */
async function namedOrganization(
  uow: UnitOfWork,
  ref: OrgRef,
): Promise<{ organization: OrganizationRecord; rest: string }> {
  const said = 'exact' in ref ? ref.exact : ref.leading;
  const found = await uow.directory.organizationNamedAtStart(said);
  const exact = 'exact' in ref;
  if (!found || (exact && found.name.toLowerCase() !== said.toLowerCase()))
    throw new DomainError(
      'not_found',
      `No organization is named "${exact ? said : said.split(/\s+/).slice(0, 4).join(' ')}"; write its name as in the directory, in quotes if it is followed by the request: org="Northwind Bank" …`,
    );
  return { organization: found, rest: exact ? '' : said.slice(found.name.length).trim() };
}

/** Staff: the organization named, in this channel if it is one of its own, else in its first one. */
async function staffPlacement(
  uow: UnitOfWork,
  platform: Platform,
  req: CommandTicketRequest,
  here: OrganizationRecord | null,
): Promise<Placement> {
  if (!req.org) {
    if (!here)
      throw new DomainError(
        'invalid_input',
        'This channel belongs to no organization: say which one the ticket is for with org=<name>.',
      );
    return { organization: here, channelId: req.channelId, onBehalf: true, text: req.text };
  }
  const { organization, rest } = await namedOrganization(uow, req.org);
  const text = [rest, req.text].filter(Boolean).join('\n');
  if (here?.id === organization.id) return { organization, channelId: req.channelId, onBehalf: true, text };
  const [channel] = await uow.directory.channelsOf(organization.id, platform);
  if (!channel)
    throw new DomainError(
      'invalid_input',
      `${organization.name} has no channel on ${PLATFORM_NAME[platform]} for the ticket's thread; link one with /support link.`,
    );
  return { organization, channelId: channel.channelId, onBehalf: true, text };
}

/**
 * Who may open what: a customer only in a channel linked to their own organization (and without
 * org=); staff (a person with a staff role) for any organization, named with org= or by the
 * channel they run it in. Refusals are typed errors with a sentence for the person.
 */
async function place(uow: UnitOfWork, req: CommandTicketRequest): Promise<Placement> {
  const platform = req.actor.platform;
  const [person, links] = await Promise.all([
    resolveActor(uow, req.actor),
    uow.directory.linkedChannels(platform, [req.channelId]),
  ]);
  const here = links.get(req.channelId)?.organization ?? null;
  // A known customer belongs to one organization; an unknown person is a customer of the channel's.
  const own = person?.organizationId ?? null;
  if (isStaff(person)) return staffPlacement(uow, platform, req, here);
  if (req.org)
    throw new DomainError(
      'forbidden',
      'Only support staff can open a ticket for an organization (org=); leave it out to open one for yours.',
    );
  if (!here)
    throw new DomainError(
      'invalid_input',
      "This channel is not linked to an organization: run /ticket new in your organization's support channel.",
    );
  if (own !== null && own !== here.id)
    throw new DomainError(
      'forbidden',
      "This channel belongs to another organization: run /ticket new in your organization's own channel.",
    );
  return { organization: here, channelId: req.channelId, onBehalf: false, text: req.text };
}

/**
 * Opens a ticket from `/ticket new` (typed, or its form): the roles are checked, then the request
 * goes through the same intake as a customer's message (triage, routing, clocks, the reply in the
 * ticket's thread and the card), with the bot's root message in the customer channel standing in
 * for the message the thread hangs from. Idempotent on the invocation id.
 */
export async function openTicketByCommand(
  deps: AppDeps,
  input: CommandTicketRequest,
): Promise<Result<CommandTicketOpened>> {
  // Text from three platforms and two forms arrives here: made storable once (STYLE rule 15).
  const req = {
    ...input,
    displayName: normalizeText(input.displayName, 200),
    summary: input.summary === null ? null : normalizeText(input.summary).trim(),
    text: normalizeText(input.text).trim(),
  };
  let placement: Placement;
  try {
    placement = await deps.store.withoutTransaction((uow) => place(uow, req));
  } catch (e) {
    if (e instanceof DomainError) return fail(e);
    throw e;
  }
  const text = [req.summary, placement.text].filter(Boolean).join('\n\n');
  if (!text)
    return fail(new DomainError('invalid_input', 'Say what the request is: /ticket new <what happened>.'));
  const r = await openTicket(deps, {
    platform: req.actor.platform,
    channelId: placement.channelId,
    messageId: commandOriginId(req.invocationId),
    threadRef: null,
    author: { externalId: req.actor.externalId, displayName: req.displayName, workspaceId: req.workspaceId },
    text,
    trigger: 'command',
    onBehalf: placement.onBehalf,
  });
  if (!r.ok) return r;
  const outcome = r.value;
  if (outcome.status === 'ignored')
    return fail(new DomainError('invalid_input', 'This channel was unlinked meanwhile; nothing was opened.'));
  return ok({
    ticket: outcome.ticket,
    duplicate: outcome.status === 'duplicate',
    forOrganization: placement.onBehalf ? placement.organization.name : null,
  });
}
