import type { Platform } from '../domain/policy.js';
import type { ClockKind } from '../domain/sla/types.js';
import { CLOCK_KINDS } from '../domain/sla/types.js';
import type { CardClock, TicketCardView } from '../ports/chat.js';
import type { TicketRecord, UnitOfWork } from '../ports/store.js';

const LABEL: Record<ClockKind, string> = {
  first_response: 'first response',
  next_update: 'next update',
  resolution: 'resolution',
};

/** "12 min", "3 h 5 min", "2 d 4 h" — coarse on purpose: cards are refreshed, not live. */
export function humanDuration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** One clock as words, relative to `now`: "first response in 12 min", "resolution breached 8 min ago". */
export function clockLine(t: TicketRecord, kind: ClockKind, now: number): CardClock | null {
  const c = t.sla.clocks[kind];
  if (!c) return null;
  const label = LABEL[kind];
  if (c.metAt !== null) {
    const late = c.breachedAt !== null ? ' (late)' : '';
    return { clock: kind, state: 'met', dueAt: c.dueAt, text: `${label} met${late}` };
  }
  if (c.stoppedAt !== null)
    return { clock: kind, state: 'stopped', dueAt: null, text: `${label} no longer applies` };
  if (c.dueAt === null)
    return { clock: kind, state: 'paused', dueAt: null, text: `${label} paused (waiting on customer)` };
  if (c.breachedAt !== null || c.dueAt <= now)
    return {
      clock: kind,
      state: 'breached',
      dueAt: c.dueAt,
      text: `${label} breached ${humanDuration(now - c.dueAt)} ago`,
    };
  return {
    clock: kind,
    state: 'running',
    dueAt: c.dueAt,
    text: `${label} in ${humanDuration(c.dueAt - now)}`,
  };
}

/** The clock that matters most now: a breach, else the soonest running deadline. */
function summary(clocks: CardClock[], status: TicketRecord['status']): string {
  if (status === 'resolved' || status === 'closed')
    return `${status}; ${clocks.map((c) => c.text).join(', ')}`;
  const breached = clocks.find((c) => c.state === 'breached');
  if (breached) return breached.text;
  const running = clocks.filter((c) => c.state === 'running').sort((a, b) => a.dueAt! - b.dueAt!);
  return running[0]?.text ?? clocks.map((c) => c.text).join(', ');
}

async function platformUserId(uow: UnitOfWork, personId: number, platform: Platform): Promise<string | null> {
  const ids = await uow.directory.identitiesOf(personId);
  return ids.find((i) => i.platform === platform)?.externalId ?? null;
}

/** Builds what a card shows from the ticket as it is now. */
export async function buildCardView(uow: UnitOfWork, t: TicketRecord, now: number): Promise<TicketCardView> {
  const platform = t.card?.platform ?? t.origin.platform;
  const [org, requester, assignee, escalation] = await Promise.all([
    uow.directory.organizationById(t.organizationId),
    t.requesterId ? uow.directory.personById(t.requesterId) : null,
    t.assigneeId ? uow.directory.personById(t.assigneeId) : null,
    uow.escalations.active(t.id),
  ]);
  const clocks = CLOCK_KINDS.map((k) => clockLine(t, k, now)).filter((c): c is CardClock => c !== null);
  return {
    ticketId: t.id,
    subject: t.subject,
    excerpt: t.description.length > 600 ? `${t.description.slice(0, 599)}…` : t.description,
    organization: org?.name ?? `organization ${t.organizationId}`,
    tier: t.tier,
    tierLabel: t.policySnapshot.tierLabel,
    priority: t.priority,
    domain: t.domain,
    status: t.status,
    queueLabel: t.queue,
    requesterName: requester?.displayName ?? 'unknown',
    assignee: assignee
      ? { name: assignee.displayName, platformUserId: await platformUserId(uow, assignee.id, platform) }
      : null,
    customerThread: {
      platform: t.origin.platform,
      channelId: t.origin.channelId,
      threadRef: t.origin.threadRef ?? t.origin.messageId,
    },
    clocks,
    slaSummary: summary(clocks, t.status),
    reasons: [...t.triageReasons, ...t.routeReasons],
    escalation: escalation
      ? { level: `level ${escalation.state.level + 1}`, status: escalation.state.status }
      : null,
  };
}
