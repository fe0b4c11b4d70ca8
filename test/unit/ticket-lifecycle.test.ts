import { describe, expect, it } from 'vitest';
import {
  decide,
  TICKET_STATUSES,
  type TicketCommand,
  type TicketCore,
  type TicketStatus,
} from '../../src/domain/ticket.js';

const T0 = Date.parse('2026-03-02T15:00:00Z');
const core = (status: TicketStatus, over: Partial<TicketCore> = {}): TicketCore => ({
  id: 7,
  status,
  priority: 'P3',
  assigneeId: null,
  acknowledgedAt: null,
  resolvedAt: status === 'resolved' ? T0 : null,
  ...over,
});

const COMMANDS: TicketCommand[] = [
  { type: 'claim', by: 1 },
  { type: 'assign', to: 2 },
  { type: 'set_priority', priority: 'P1' },
  { type: 'set_waiting' },
  { type: 'set_open' },
  { type: 'resolve', note: null },
  { type: 'reopen', by: 'agent' },
  { type: 'close', reason: 'auto' },
  { type: 'agent_public_reply' },
  { type: 'customer_message' },
];

/** Which (status, command) pairs are legal; everything else must be an illegal_transition value. */
const LEGAL: Record<TicketStatus, string[]> = {
  new: [
    'claim',
    'assign',
    'set_priority',
    'set_waiting',
    'set_open',
    'resolve',
    'agent_public_reply',
    'customer_message',
  ],
  open: [
    'claim',
    'assign',
    'set_priority',
    'set_waiting',
    'set_open',
    'resolve',
    'agent_public_reply',
    'customer_message',
  ],
  waiting_on_customer: [
    'claim',
    'assign',
    'set_priority',
    'set_waiting',
    'set_open',
    'resolve',
    'agent_public_reply',
    'customer_message',
  ],
  resolved: ['reopen', 'close', 'agent_public_reply', 'customer_message'],
  closed: [],
};

describe('ticket lifecycle rules', () => {
  for (const status of TICKET_STATUSES)
    for (const cmd of COMMANDS)
      it(`${status} + ${cmd.type} → ${LEGAL[status].includes(cmd.type) ? 'allowed' : 'illegal'}`, () => {
        const r = decide(core(status), cmd, T0);
        expect(r.ok).toBe(LEGAL[status].includes(cmd.type));
        if (!r.ok) {
          expect(r.error.code).toBe('illegal_transition');
          expect(r.error.message).toContain('Ticket #7');
        }
      });

  it('claiming a new ticket opens it, acknowledges it and emits typed events', () => {
    const r = decide(core('new'), { type: 'claim', by: 1 }, T0);
    expect(r).toEqual({
      ok: true,
      ticket: { ...core('open'), assigneeId: 1, acknowledgedAt: T0 },
      events: [
        { type: 'status_changed', from: 'new', to: 'open' },
        { type: 'claimed', assigneeId: 1 },
      ],
    });
  });

  it('claiming a ticket someone else holds is a conflict; claiming your own is a no-op', () => {
    const held = core('open', { assigneeId: 2 });
    const other = decide(held, { type: 'claim', by: 1 }, T0);
    expect(other.ok ? null : other.error.code).toBe('conflict');
    expect(decide(held, { type: 'claim', by: 2 }, T0)).toEqual({ ok: true, ticket: held, events: [] });
  });

  it('a customer message resumes a waiting ticket and reopens a resolved one', () => {
    const resumed = decide(core('waiting_on_customer'), { type: 'customer_message' }, T0);
    expect(resumed.ok && resumed.ticket.status).toBe('open');
    const reopened = decide(core('resolved'), { type: 'customer_message' }, T0);
    expect(reopened.ok && reopened.events.map((e) => e.type)).toEqual(['status_changed', 'reopened']);
    expect(reopened.ok && reopened.ticket.resolvedAt).toBeNull();
  });

  it('the first acknowledgement instant is kept', () => {
    const r = decide(core('open', { acknowledgedAt: T0 - 1000 }), { type: 'agent_public_reply' }, T0);
    expect(r.ok && r.ticket.acknowledgedAt).toBe(T0 - 1000);
  });

  it('unclaim needs an assignee', () => {
    const r = decide(core('open'), { type: 'unclaim', by: 1 }, T0);
    expect(r.ok ? null : r.error.code).toBe('illegal_transition');
    const ok = decide(core('open', { assigneeId: 1 }), { type: 'unclaim', by: 1 }, T0);
    expect(ok.ok && ok.events).toEqual([{ type: 'unclaimed', previousId: 1 }]);
  });
});
