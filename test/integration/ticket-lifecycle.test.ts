import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/app/deps.js';
import { escalateTicket } from '../../src/app/escalation/escalate-ticket.js';
import { addMessage, type ThreadMessage } from '../../src/app/intake/add-message.js';
import { editMessage } from '../../src/app/intake/edit-message.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { addNote } from '../../src/app/tickets/add-note.js';
import { assignTicket } from '../../src/app/tickets/assign-ticket.js';
import { claimTicket } from '../../src/app/tickets/claim-ticket.js';
import { reopenTicket } from '../../src/app/tickets/reopen-ticket.js';
import { resolveTicket } from '../../src/app/tickets/resolve-ticket.js';
import { setPriority } from '../../src/app/tickets/set-priority.js';
import { setStatus } from '../../src/app/tickets/set-status.js';
import { showTicket } from '../../src/app/tickets/show-ticket.js';
import { unclaimTicket } from '../../src/app/tickets/unclaim-ticket.js';
import { CLOCK_KINDS } from '../../src/domain/sla/types.js';
import type { TicketRecord } from '../../src/ports/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app.db.drop();
});

const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };
const marco: ActorRef = { platform: 'slack', externalId: 'U0MARCO001' };
const ines: ActorRef = { platform: 'slack', externalId: 'U0INESNW01' };
const kofi: ActorRef = { platform: 'slack', externalId: 'U0KOFIGX01' };

function value<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

let ticket: TicketRecord;
let seq = 0;
beforeEach(async () => {
  await app.reset();
  const out = value(
    await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      messageId: '1772463600.000001',
      threadRef: '1772463600.000001',
      author: { externalId: ines.externalId, displayName: 'Inés', workspaceId: 'T0NORTHWND' },
      text: 'Dashboards are slow, queries time out after 30s',
      trigger: 'message',
    }),
  );
  if (out.status !== 'opened') throw new Error(out.status);
  ticket = out.ticket;
});

function reply(actor: ActorRef, text: string, threadRef = '1772463600.000001'): Promise<Result<unknown>> {
  const m: ThreadMessage = {
    platform: 'slack',
    channelId: threadRef === '1772463600.000001' ? 'C0NORTHWND' : 'C0ENTENG01',
    threadRef,
    messageId: `1772463700.${String(++seq).padStart(6, '0')}`,
    author: { externalId: actor.externalId, displayName: actor.externalId, workspaceId: null },
    text,
  };
  return addMessage(app.deps, m);
}

const events = async () =>
  (await app.rows<{ type: string }>('select type from ticket_events order by id')).map((e) => e.type);
const current = async () => value(await showTicket(app.deps, { actor: priya, ticketId: ticket.id })).ticket;

describe(`ticket lifecycle (${TEST_DB_KIND})`, () => {
  it('a public agent reply meets the first response and starts the update cadence', async () => {
    app.clock.advanceMinutes(40); // enterprise P3: first response 240 min
    value(await reply(priya, 'Looking into it now'));
    const t = await current();
    expect(t.status).toBe('open');
    expect(t.firstResponseAt).toBe(app.clock.now());
    expect(t.acknowledgedAt).toBe(app.clock.now());
    expect(t.sla.clocks.first_response?.metAt).toBe(app.clock.now());
    // P3 update cadence 1440 min on the 24x7 calendar.
    expect(t.sla.clocks.next_update?.dueAt).toBe(app.clock.now() + 1440 * 60_000);
    expect(await events()).toContain('sla_met');
  });

  it('a staff message in the card thread is an internal note: no first response, not public', async () => {
    await app.rows(`update tickets set card_message_ref = '1772463650.000009' where id = ${ticket.id}`);
    const r = value(await reply(priya, 'I think this is the index on events', '1772463650.000009'));
    expect(r).toMatchObject({ status: 'added', kind: 'internal_note' });
    expect((await current()).firstResponseAt).toBeNull();
    const asCustomer = value(await showTicket(app.deps, { actor: ines, ticketId: ticket.id }));
    expect(asCustomer.messages.map((m) => m.visibility)).toEqual(['public']);
    expect(asCustomer.events).toEqual([]);
  });

  it('a thread that is no ticket is ignored and writes nothing; a customer in the card thread is not heard', async () => {
    const before = await app.rows('select id from ticket_messages');
    expect(value(await reply(ines, 'thanks all!', '1772463999.000001'))).toEqual({
      status: 'ignored',
      reason: 'no_ticket',
    });
    await app.rows(`update tickets set card_message_ref = '1772463650.000009' where id = ${ticket.id}`);
    expect(value(await reply(kofi, 'me too', '1772463650.000009'))).toEqual({
      status: 'ignored',
      reason: 'customer_in_card_thread',
    });
    expect(await app.rows('select id from ticket_messages')).toEqual(before);
    // The customer's own thread still reaches the ticket, and a redelivery is recognised.
    const added = value(await reply(ines, 'still slow', '1772463600.000001'));
    expect(added).toMatchObject({ status: 'added', kind: 'customer' });
    const again = await addMessage(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      threadRef: '1772463600.000001',
      messageId: `1772463700.${String(seq).padStart(6, '0')}`,
      author: { externalId: ines.externalId, displayName: 'Inés', workspaceId: null },
      text: 'still slow',
    });
    expect(value(again)).toEqual({ status: 'duplicate' });
  });

  it('claim, conflicting claim, assign and unclaim', async () => {
    const claimed = value(await claimTicket(app.deps, { actor: priya, ticketId: ticket.id }));
    expect(claimed.status).toBe('open');
    expect(claimed.acknowledgedAt).toBe(app.clock.now());
    const again = await claimTicket(app.deps, { actor: marco, ticketId: ticket.id });
    expect(again.ok ? null : again.error.code).toBe('conflict');
    const assigned = value(
      await assignTicket(app.deps, { actor: priya, ticketId: ticket.id, assignee: marco }),
    );
    expect(assigned.assigneeId).not.toBe(claimed.assigneeId);
    const toCustomer = await assignTicket(app.deps, { actor: priya, ticketId: ticket.id, assignee: ines });
    expect(toCustomer.ok ? null : toCustomer.error.code).toBe('invalid_input');
    expect(value(await unclaimTicket(app.deps, { actor: marco, ticketId: ticket.id })).assigneeId).toBeNull();
    const cards = async () =>
      (
        await app.rows<{ key: string }>(
          "select idempotency_key as key from outbox where payload->>'kind' = 'ticket_card' order by id",
        )
      ).map((c) => c.key);
    // The card posted at open has not gone out yet: it will show the latest state, so the four
    // changes add no edits of their own.
    expect(await cards()).toEqual([`ticket:${ticket.id}:card:v1`]);
    // Once it is delivered (or taken by a worker), the next change queues an edit.
    await app.rows("update outbox set status = 'sent'");
    value(await claimTicket(app.deps, { actor: priya, ticketId: ticket.id }));
    expect(await cards()).toEqual([`ticket:${ticket.id}:card:v1`, `ticket:${ticket.id}:card:v5`]);
  });

  it('customers cannot run agent commands and nothing changes', async () => {
    for (const r of [
      await claimTicket(app.deps, { actor: ines, ticketId: ticket.id }),
      await resolveTicket(app.deps, { actor: ines, ticketId: ticket.id, note: null }),
      await escalateTicket(app.deps, { actor: ines, ticketId: ticket.id, reason: null }),
      await addNote(app.deps, { actor: ines, ticketId: ticket.id, text: 'hi' }),
    ])
      expect(r.ok ? null : r.error.code).toBe('forbidden');
    expect(await events()).toEqual(['opened', 'message_added']);
  });

  it('a customer of another organization cannot see the ticket (not found, nothing leaked)', async () => {
    const r = await showTicket(app.deps, { actor: kofi, ticketId: ticket.id });
    expect(r.ok ? null : r.error.code).toBe('not_found');
    const missing = await showTicket(app.deps, { actor: kofi, ticketId: 99_999 });
    expect(missing.ok ? null : missing.error.message).toBe('Ticket #99999 was not found.');
  });

  it('waiting on customer pauses resolution; a customer reply resumes it', async () => {
    const due = ticket.sla.clocks.resolution!.dueAt!;
    // The sla_clocks view (for reports) shows each clock as tickets.sla holds it, to the ms.
    const clocks = async () =>
      app.rows<{
        kind: string;
        started: string;
        target: string;
        due: string | null;
        met: string | null;
        paused: string;
      }>(
        `select kind, (extract(epoch from started_at) * 1000)::bigint::text as started, target_ms::text as target,
           (extract(epoch from due_at) * 1000)::bigint::text as due, (extract(epoch from met_at) * 1000)::bigint::text as met,
           paused
         from sla_clocks where ticket_id = ${ticket.id} order by kind`,
      );
    const asTicketHolds = (t: TicketRecord) =>
      CLOCK_KINDS.filter((k) => t.sla.clocks[k]).map((k) => {
        const c = t.sla.clocks[k]!;
        return {
          kind: k,
          started: String(c.startedAt),
          target: String(c.targetMs),
          due: c.dueAt === null ? null : String(c.dueAt),
          met: c.metAt === null ? null : String(c.metAt),
          paused: c.pauses.some((p) => p.to === null) ? 'yes' : 'no',
        };
      });
    value(await setStatus(app.deps, { actor: priya, ticketId: ticket.id, status: 'waiting_on_customer' }));
    const waiting = await current();
    expect(waiting.sla.clocks.resolution?.dueAt).toBeNull();
    expect(await clocks()).toEqual(asTicketHolds(waiting));
    expect((await clocks()).find((c) => c.kind === 'resolution')).toMatchObject({ due: null, paused: 'yes' });
    app.clock.advanceMinutes(120);
    value(await reply(ines, 'Here are the logs you asked for'));
    const t = await current();
    expect(t.status).toBe('open');
    expect(t.sla.clocks.resolution?.dueAt).toBe(due + 120 * 60_000);
    expect(await clocks()).toEqual(asTicketHolds(t));
    expect((await clocks()).find((c) => c.kind === 'resolution')).toMatchObject({
      due: String(due + 120 * 60_000),
      paused: 'no',
    });
  });

  it('resolve tells the customer and schedules auto-close; a customer reply reopens', async () => {
    value(await claimTicket(app.deps, { actor: priya, ticketId: ticket.id }));
    app.clock.advanceMinutes(30);
    const resolved = value(
      await resolveTicket(app.deps, { actor: priya, ticketId: ticket.id, note: 'index added' }),
    );
    expect(resolved.status).toBe('resolved');
    expect(resolved.autoCloseAt).toBe(app.clock.now() + 5 * 86_400_000);
    app.clock.advanceMinutes(60);
    value(await reply(ines, 'It is slow again'));
    const t = await current();
    expect(t).toMatchObject({ status: 'open', reopenCount: 1, autoCloseAt: null });
    // Resolution clock resumed; the resolved hour counts as paused.
    expect(t.sla.clocks.resolution?.dueAt).toBe(ticket.sla.clocks.resolution!.dueAt! + 60 * 60_000);
    const replies = await app.rows<{ text: string }>(
      "select payload->>'text' as text from outbox where payload->>'kind' = 'thread_reply' order by id",
    );
    expect(replies.map((r) => r.text)).toEqual([
      expect.stringContaining(`ticket #${ticket.id}`),
      expect.stringContaining('is resolved: index added'),
      expect.stringContaining('is open again'),
    ]);
  });

  it('illegal transitions are typed errors and change nothing', async () => {
    const reopen = await reopenTicket(app.deps, { actor: priya, ticketId: ticket.id });
    expect(reopen.ok ? null : reopen.error.code).toBe('illegal_transition');
    const unclaim = await unclaimTicket(app.deps, { actor: priya, ticketId: ticket.id });
    expect(unclaim.ok ? null : unclaim.error.code).toBe('illegal_transition');
    value(await resolveTicket(app.deps, { actor: priya, ticketId: ticket.id, note: null }));
    const again = await resolveTicket(app.deps, { actor: priya, ticketId: ticket.id, note: null });
    expect(again.ok ? null : again.error.message).toMatch(/is resolved: cannot resolve it/);
  });

  it('a priority change keeps elapsed time; a deadline already past is breached at the change', async () => {
    app.clock.advanceMinutes(20); // P3 first response 240 → P1 15: already 5 min past
    const t = value(await setPriority(app.deps, { actor: priya, ticketId: ticket.id, priority: 'p1' }));
    expect(t.priority).toBe('P1');
    expect(t.sla.clocks.first_response?.dueAt).toBe(ticket.createdAt + 15 * 60_000);
    expect(t.sla.clocks.first_response?.breachedAt).toBe(app.clock.now());
    const [breach] = await app.rows<{ data: { clock: string } }>(
      "select data from ticket_events where type = 'sla_breached'",
    );
    expect(breach?.data.clock).toBe('first_response');
    const bad = await setPriority(app.deps, { actor: priya, ticketId: ticket.id, priority: 'P9' });
    expect(bad.ok ? null : bad.error.code).toBe('unknown_priority');
  });

  it('manual escalation starts the chain once; resolving stops it', async () => {
    value(
      await escalateTicket(app.deps, { actor: priya, ticketId: ticket.id, reason: 'customer exec called' }),
    );
    const twice = await escalateTicket(app.deps, { actor: priya, ticketId: ticket.id, reason: null });
    expect(twice.ok ? null : twice.error.code).toBe('conflict');
    const [esc] = await app.rows<{ status: string; next_check_at: Date }>(
      'select status, next_check_at from escalations',
    );
    expect(esc?.status).toBe('active');
    expect(new Date(esc!.next_check_at).getTime()).toBe(app.clock.now());
    value(await resolveTicket(app.deps, { actor: priya, ticketId: ticket.id, note: null }));
    const [after] = await app.rows<{ status: string; next_check_at: Date | null }>(
      'select status, next_check_at from escalations',
    );
    expect(after).toEqual({ status: 'stopped', next_check_at: null });
  });

  it('edits update the ticket text; deletions are recorded; duplicates are ignored', async () => {
    expect(
      value(
        await editMessage(app.deps, {
          platform: 'slack',
          messageId: '1772463600.000001',
          text: 'Dashboards are very slow',
        }),
      ).status,
    ).toBe('edited');
    expect((await current()).description).toBe('Dashboards are very slow');
    expect(
      value(await editMessage(app.deps, { platform: 'slack', messageId: '1772463600.000001', text: null }))
        .status,
    ).toBe('deleted');
    expect(
      value(await editMessage(app.deps, { platform: 'slack', messageId: 'nope', text: 'x' })).status,
    ).toBe('unknown');
    expect(await events()).toEqual(['opened', 'message_added', 'message_edited', 'message_deleted']);
  });
});
