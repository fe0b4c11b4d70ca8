import { DomainError } from './errors.js';
import type { Priority } from './policy.js';

export const TICKET_STATUSES = ['new', 'open', 'waiting_on_customer', 'resolved', 'closed'] as const;
/** new → open → waiting_on_customer → resolved → closed; resolved → open by reopen. */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The part of a ticket the lifecycle rules decide on. Person references are ids. */
export interface TicketCore {
  id: number;
  status: TicketStatus;
  priority: Priority;
  assigneeId: number | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
}

/** Typed timeline events. `at` is epoch ms; stored in ticket_events with `data` = the rest. */
export type TicketEvent =
  | {
      type: 'opened';
      tier: string;
      priority: Priority;
      domain: string;
      queue: string;
      reasons: string[];
      /** Opened by `/ticket new` (absent: by a message); `onBehalf`: staff opened it for the organization. */
      via?: 'command';
      onBehalf?: boolean;
    }
  | {
      type: 'message_added';
      messageId: number;
      authorKind: 'customer' | 'agent';
      visibility: 'public' | 'internal';
    }
  | { type: 'message_edited'; messageId: number }
  | { type: 'message_deleted'; messageId: number }
  | { type: 'claimed'; assigneeId: number }
  | { type: 'unclaimed'; previousId: number }
  | { type: 'assigned'; assigneeId: number; previousId: number | null }
  | { type: 'priority_changed'; from: Priority; to: Priority }
  | { type: 'status_changed'; from: TicketStatus; to: TicketStatus }
  | { type: 'resolved'; note: string | null }
  | { type: 'reopened'; by: 'customer' | 'agent' }
  | { type: 'closed'; reason: 'auto' | 'manual' }
  | { type: 'escalated'; reason: string; manual: boolean }
  | { type: 'acknowledged'; by: string }
  | { type: 'sla_warning'; clock: string; fraction: number; dueAt: number }
  /**
   * `breachedAt` is when the clock breached: its deadline, or the instant of a change (a priority
   * change, a reopen) that moved the deadline into the past, which is then later than `dueAt`.
   */
  | { type: 'sla_breached'; clock: string; dueAt: number; breachedAt: number }
  | { type: 'sla_met'; clock: string; dueAt: number | null; breachedAt: number | null }
  | { type: 'page_sent'; level: number; levelName: string; attempt: number; recipients: string[] }
  | { type: 'escalation_deferred'; level: number; until: number; reason: string }
  | { type: 'escalation_exhausted' }
  | { type: 'escalation_no_recipient'; level: number; reason: string };

export type TicketEventType = TicketEvent['type'];

export type TicketCommand =
  | { type: 'claim'; by: number }
  | { type: 'unclaim'; by: number }
  | { type: 'assign'; to: number }
  | { type: 'set_priority'; priority: Priority }
  | { type: 'set_waiting' }
  | { type: 'set_open' }
  | { type: 'resolve'; note: string | null }
  | { type: 'reopen'; by: 'customer' | 'agent' }
  | { type: 'close'; reason: 'auto' | 'manual' }
  | { type: 'agent_public_reply' }
  | { type: 'customer_message' };

export type Transition =
  | { ok: true; ticket: TicketCore; events: TicketEvent[] }
  | { ok: false; error: DomainError };

const ACTIVE: ReadonlySet<TicketStatus> = new Set(['new', 'open', 'waiting_on_customer']);

export function isActive(status: TicketStatus): boolean {
  return ACTIVE.has(status);
}

function illegal(t: TicketCore, what: string): Transition {
  return {
    ok: false,
    error: new DomainError(
      'illegal_transition',
      `Ticket #${t.id} is ${t.status.replaceAll('_', ' ')}: cannot ${what}.`,
      {
        ticketId: t.id,
        status: t.status,
      },
    ),
  };
}

function withStatus(t: TicketCore, to: TicketStatus, events: TicketEvent[]): TicketEvent[] {
  return t.status === to ? events : [{ type: 'status_changed', from: t.status, to }, ...events];
}

function ack(t: TicketCore, at: number): number {
  return t.acknowledgedAt ?? at;
}

function claim(t: TicketCore, by: number, at: number): Transition {
  if (!isActive(t.status)) return illegal(t, 'claim it');
  if (t.assigneeId === by) return { ok: true, ticket: t, events: [] };
  if (t.assigneeId !== null)
    return {
      ok: false,
      error: new DomainError(
        'conflict',
        `Ticket #${t.id} is already claimed; ask its assignee or use assign.`,
        {
          assigneeId: t.assigneeId,
        },
      ),
    };
  const status = t.status === 'new' ? 'open' : t.status;
  return {
    ok: true,
    ticket: { ...t, assigneeId: by, status, acknowledgedAt: ack(t, at) },
    events: withStatus(t, status, [{ type: 'claimed', assigneeId: by }]),
  };
}

function assign(t: TicketCore, to: number, at: number): Transition {
  if (!isActive(t.status)) return illegal(t, 'assign it');
  if (t.assigneeId === to) return { ok: true, ticket: t, events: [] };
  const status = t.status === 'new' ? 'open' : t.status;
  return {
    ok: true,
    ticket: { ...t, assigneeId: to, status, acknowledgedAt: ack(t, at) },
    events: withStatus(t, status, [{ type: 'assigned', assigneeId: to, previousId: t.assigneeId }]),
  };
}

function setStatus(t: TicketCore, to: 'open' | 'waiting_on_customer'): Transition {
  if (!isActive(t.status)) return illegal(t, `set it ${to.replaceAll('_', ' ')}`);
  if (t.status === to) return { ok: true, ticket: t, events: [] };
  return { ok: true, ticket: { ...t, status: to }, events: [{ type: 'status_changed', from: t.status, to }] };
}

function resolve(t: TicketCore, note: string | null, at: number): Transition {
  if (!isActive(t.status)) return illegal(t, 'resolve it');
  return {
    ok: true,
    ticket: { ...t, status: 'resolved', resolvedAt: at },
    events: [
      { type: 'status_changed', from: t.status, to: 'resolved' },
      { type: 'resolved', note },
    ],
  };
}

function reopen(t: TicketCore, by: 'customer' | 'agent'): Transition {
  if (t.status !== 'resolved') return illegal(t, 'reopen it (only resolved tickets reopen)');
  return {
    ok: true,
    ticket: { ...t, status: 'open', resolvedAt: null },
    events: [
      { type: 'status_changed', from: 'resolved', to: 'open' },
      { type: 'reopened', by },
    ],
  };
}

/** The lifecycle rules: a pure function of (ticket, command, now). Illegal transitions are values. */
export function decide(t: TicketCore, cmd: TicketCommand, at: number): Transition {
  switch (cmd.type) {
    case 'claim':
      return claim(t, cmd.by, at);
    case 'unclaim':
      if (t.assigneeId === null) return illegal(t, 'unclaim it (nobody has claimed it)');
      if (!isActive(t.status)) return illegal(t, 'unclaim it');
      return {
        ok: true,
        ticket: { ...t, assigneeId: null },
        events: [{ type: 'unclaimed', previousId: t.assigneeId }],
      };
    case 'assign':
      return assign(t, cmd.to, at);
    case 'set_priority':
      if (!isActive(t.status)) return illegal(t, 'change its priority');
      if (t.priority === cmd.priority) return { ok: true, ticket: t, events: [] };
      return {
        ok: true,
        ticket: { ...t, priority: cmd.priority },
        events: [{ type: 'priority_changed', from: t.priority, to: cmd.priority }],
      };
    case 'set_waiting':
      return setStatus(t, 'waiting_on_customer');
    case 'set_open':
      return setStatus(t, 'open');
    case 'resolve':
      return resolve(t, cmd.note, at);
    case 'reopen':
      return reopen(t, cmd.by);
    case 'close':
      if (t.status !== 'resolved') return illegal(t, 'close it (resolve it first)');
      return {
        ok: true,
        ticket: { ...t, status: 'closed' },
        events: [
          { type: 'status_changed', from: 'resolved', to: 'closed' },
          { type: 'closed', reason: cmd.reason },
        ],
      };
    case 'agent_public_reply': {
      if (t.status === 'closed') return illegal(t, 'reply on it');
      const status = t.status === 'new' ? 'open' : t.status;
      return {
        ok: true,
        ticket: { ...t, status, acknowledgedAt: ack(t, at) },
        events: withStatus(t, status, []),
      };
    }
    case 'customer_message':
      if (t.status === 'waiting_on_customer') return setStatus(t, 'open');
      if (t.status === 'resolved') return reopen(t, 'customer');
      if (t.status === 'closed') return illegal(t, 'add to it (closed tickets stay closed; open a new one)');
      return { ok: true, ticket: t, events: [] };
  }
}
