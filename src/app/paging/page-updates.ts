import type { PageDmView } from '../../ports/chat.js';
import type { OutboundBody } from '../../ports/outbound.js';
import type { ClaimedMessage, UnitOfWork } from '../../ports/store.js';
import { acknowledgedLine } from '../shared/wording.js';

type DirectMessageBody = Extract<OutboundBody, { kind: 'direct_message' }>;

/** The escalation of each page in a DM, by ticket. */
function pagesOf(dm: DirectMessageBody): Array<{ ticketId: number; escalationId: number }> {
  const pages = dm.pages?.length
    ? dm.pages
    : dm.ticketId !== null
      ? [{ ticketId: dm.ticketId, escalationId: dm.escalationId }]
      : [];
  return pages.flatMap((p) => (p.escalationId === undefined ? [] : [{ ...p, escalationId: p.escalationId }]));
}

/**
 * How the page DMs of a round's `page_update` messages must look now, keyed by the DM's outbox key:
 * the DM as first sent, where the platform has it, and which of its pages are acknowledged, by
 * whom and when (in the ticket's calendar zone, as every time a ticket shows). Read at delivery, so
 * an edit shows every acknowledgement committed by then. A DM that was never posted is absent.
 */
export async function pageViews(
  uow: UnitOfWork,
  claimed: ClaimedMessage[],
  now: number,
): Promise<Map<string, PageDmView>> {
  const keys = claimed.flatMap((m) => (m.body.kind === 'page_update' ? [m.body.pageKey] : []));
  if (keys.length === 0) return new Map();
  const sent = await uow.outbox.sentByKeys(keys);
  const dms = [...sent].flatMap(([key, { body, ref }]) =>
    body.kind === 'direct_message' && ref !== null ? [{ key, body, ref, pages: pagesOf(body) }] : [],
  );
  const pages = dms.flatMap((d) => d.pages);
  const [escalations, tickets] = await Promise.all([
    uow.escalations.byIds(pages.map((p) => p.escalationId)),
    uow.tickets.getMany(pages.map((p) => p.ticketId)),
  ]);
  const handles = [...escalations.values()].flatMap((e) => e.state.acknowledgedBy ?? []);
  const people = handles.length > 0 ? await uow.directory.peopleByHandles(handles) : new Map();
  const line = (p: { ticketId: number; escalationId: number }) => {
    const s = escalations.get(p.escalationId)?.state;
    const zone = tickets.get(p.ticketId)?.policySnapshot.calendar.timezone ?? 'UTC';
    if (s?.status !== 'acknowledged' || s.acknowledgedAt === null) return [];
    const by = s.acknowledgedBy ?? 'someone';
    const name = people.get(by)?.displayName ?? by;
    return [{ ticketId: p.ticketId, text: acknowledgedLine(name, s.acknowledgedAt, zone, now) }];
  };
  return new Map(
    dms.map((d) => [d.key, { original: d.body, ref: d.ref, acknowledged: d.pages.flatMap(line) }]),
  );
}
