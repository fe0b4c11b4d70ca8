import type { ClockKind } from '../../domain/sla/types.js';
import { CLOCK_KINDS } from '../../domain/sla/types.js';
import type { CardClock, TicketCardView } from '../../ports/chat.js';
import type {
  EscalationRecord,
  IdentityRecord,
  OrganizationRecord,
  PersonRecord,
  TicketRecord,
  UnitOfWork,
} from '../../ports/store.js';
import { threadOf } from './outbound.js';
import { acknowledgedLine } from './wording.js';

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

/** "just now" under a minute (a breach paged the moment it happened), else "8 min ago". */
function ago(ms: number): string {
  return ms < 60_000 ? 'just now' : `${humanDuration(ms)} ago`;
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
  if (c.breachedAt !== null || c.dueAt <= now) {
    // Counted from the breach, not the deadline: a priority change that moved the deadline into the
    // past breached the clock at the change (SLA.md), and saying "7 min ago" would backdate it.
    const breachedAt = c.breachedAt ?? c.dueAt;
    return {
      clock: kind,
      state: 'breached',
      dueAt: c.dueAt,
      breachedAt,
      text: `${label} breached ${ago(now - breachedAt)}`,
    };
  }
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

/** What a card shows besides the ticket itself, for several tickets read together. */
interface CardFacts {
  organizations: Map<number, OrganizationRecord>;
  people: Map<number, PersonRecord>;
  identities: Map<number, IdentityRecord[]>;
  escalations: Map<number, EscalationRecord>;
  /** Who acknowledged the escalations, by handle. */
  acknowledgers: Map<string, PersonRecord>;
}

/**
 * Reads the facts of all the cards in four queries whatever their number, and a fifth for the
 * names of those who acknowledged pages, when any did.
 */
async function cardFacts(uow: UnitOfWork, ts: TicketRecord[]): Promise<CardFacts> {
  const assignees = ts.flatMap((t) => (t.assigneeId ? [t.assigneeId] : []));
  const [organizations, people, identities, escalations] = await Promise.all([
    uow.directory.organizationsByIds(ts.map((t) => t.organizationId)),
    uow.directory.peopleByIds([...ts.flatMap((t) => (t.requesterId ? [t.requesterId] : [])), ...assignees]),
    uow.directory.identitiesOfPeople(assignees),
    uow.escalations.latestFor(ts.map((t) => t.id)),
  ]);
  const handles = [...escalations.values()].flatMap((e) => e.state.acknowledgedBy ?? []);
  const acknowledgers = handles.length > 0 ? await uow.directory.peopleByHandles(handles) : new Map();
  return { organizations, people, identities, escalations, acknowledgers };
}

/** The card's Escalation line: where the chain is, or who stopped it and when. */
export function escalationLine(
  t: TicketRecord,
  e: EscalationRecord,
  acknowledgers: ReadonlyMap<string, PersonRecord>,
  now: number,
): string {
  const s = e.state;
  const level = t.policySnapshot.chain.levels[s.level];
  const where = `level ${s.level + 1}${level ? `, ${level.name}` : ''}`;
  switch (s.status) {
    case 'active':
      return s.pagesAtLevel > 0 ? `paging ${where}` : `about to page ${where}`;
    case 'acknowledged': {
      const by = s.acknowledgedBy ?? 'someone';
      const name = acknowledgers.get(by)?.displayName ?? by;
      return acknowledgedLine(name, s.acknowledgedAt ?? now, t.policySnapshot.calendar.timezone, now);
    }
    case 'exhausted':
      return `nobody acknowledged; the chain ran out at ${where}`;
    case 'stopped':
      return 'stopped before anyone acknowledged';
  }
}

/** Builds what each ticket's card shows from the ticket as it is now, keyed by ticket id. */
export async function buildCardViews(
  uow: UnitOfWork,
  ts: TicketRecord[],
  now: number,
): Promise<Map<number, TicketCardView>> {
  const facts = await cardFacts(uow, ts);
  return new Map(ts.map((t) => [t.id, cardView(t, facts, now)]));
}

function cardView(t: TicketRecord, facts: CardFacts, now: number): TicketCardView {
  const platform = t.card?.platform ?? t.origin.platform;
  const org = facts.organizations.get(t.organizationId);
  const requester = t.requesterId ? facts.people.get(t.requesterId) : undefined;
  const assignee = t.assigneeId ? facts.people.get(t.assigneeId) : undefined;
  const escalation = facts.escalations.get(t.id);
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
    // No requester: staff opened it for the organization (a request by phone or email).
    requesterName: requester?.displayName ?? org?.name ?? 'unknown',
    assignee: assignee
      ? {
          name: assignee.displayName,
          platformUserId:
            facts.identities.get(assignee.id)?.find((i) => i.platform === platform)?.externalId ?? null,
        }
      : null,
    customerThread: {
      platform: t.origin.platform,
      channelId: t.origin.channelId,
      threadRef: threadOf(t.origin),
    },
    clocks,
    slaSummary: summary(clocks, t.status),
    reasons: [...t.triageReasons, ...t.routeReasons],
    escalation: escalation
      ? {
          level: `level ${escalation.state.level + 1}`,
          status: escalation.state.status,
          text: escalationLine(t, escalation, facts.acknowledgers, now),
        }
      : null,
  };
}
