import { describe, expect, it } from 'vitest';
import { addMessage } from '../../src/app/intake/add-message.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { clockLine } from '../../src/app/shared/card-view.js';
import { setPriority } from '../../src/app/tickets/set-priority.js';
import * as slaTick from '../../src/jobs/sla-tick.js';
import type { TicketRecord } from '../../src/ports/store.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const app = useTestApp();

const T0 = Date.parse('2026-03-02T15:00:00Z'); // Mon: jun is on call for sre-primary
const MIN = 60_000;
const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };

/** An Enterprise P3 (update every 1,440 min, P1: every 60) whose first response is met at T0 + 1 min. */
async function answeredP3(): Promise<TicketRecord> {
  app.clock.set(T0);
  const r = await openTicket(app.deps, {
    platform: 'slack',
    channelId: 'C0NORTHWND',
    messageId: '1772463600.000001',
    threadRef: '1772463600.000001',
    author: { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND', external: true },
    text: 'Dashboards are slow, queries time out after 30s',
    trigger: 'message',
  });
  if (!r.ok || r.value.status !== 'opened') throw new Error('not opened');
  expect(r.value.ticket.priority).toBe('P3');
  app.clock.set(T0 + MIN);
  const reply = await addMessage(app.deps, {
    platform: 'slack',
    channelId: 'C0NORTHWND',
    threadRef: '1772463600.000001',
    messageId: '1772463660.000001',
    author: { externalId: priya.externalId, displayName: 'Priya', workspaceId: null },
    text: 'Looking into it now',
  });
  if (!reply.ok) throw reply.error;
  return r.value.ticket;
}

const outbox = () =>
  app.rows<{ key: string; kind: string; text: string }>(
    "select idempotency_key as key, payload->>'kind' as kind, payload->>'text' as text from outbox order by id",
  );

describe(`a priority change that moves a deadline into the past (${TEST_DB_KIND})`, () => {
  it('breaches at the change: stored and told so, one page and no separate notice', async () => {
    const ticket = await answeredP3();
    const before = (await outbox()).length;
    const change = T0 + 68 * MIN; // the P1 update was due at T0 + 61 min: 7 min before the change
    app.clock.set(change);
    const r = await setPriority(app.deps, { actor: priya, ticketId: ticket.id, priority: 'p1' });
    if (!r.ok) throw r.error;
    expect(r.value.sla.clocks.next_update).toMatchObject({ dueAt: T0 + 61 * MIN, breachedAt: change });
    const [view] = await app.rows<{ breached_at: Date }>(
      `select breached_at from sla_clocks where ticket_id = ${ticket.id} and kind = 'next_update'`,
    );
    expect(new Date(view!.breached_at).getTime()).toBe(change);
    const events = await app.rows<{ type: string; at: Date; data: Record<string, unknown> }>(
      `select type, at, data from ticket_events where at >= '${new Date(change).toISOString()}' order by id`,
    );
    expect(events.map((e) => e.type)).toEqual(['priority_changed', 'sla_breached', 'escalated', 'page_sent']);
    expect(events[1]!.data).toEqual({ clock: 'next_update', dueAt: T0 + 61 * MIN, breachedAt: change });
    expect(events.every((e) => new Date(e.at).getTime() === change)).toBe(true);

    // The chain's first step ran with the change: the page, and its mention in the queue, which says
    // the clock breached (so no separate "breached" notice), all told as happening now.
    const sent = (await outbox()).slice(before);
    expect(sent.filter((m) => m.key.includes(':sla:'))).toEqual([]);
    const pages = sent.filter((m) => m.key.startsWith('esc:'));
    expect(pages.map((m) => m.key)).toEqual(['esc:1:l0:a1:dm:jun']);
    const mention = sent.find((m) => m.key === 'ticket:1:esc:1:l0:a1:queue');
    for (const text of [pages[0]!.text, mention!.text]) {
      expect(text).toMatch(/next update breached just now/);
      expect(text).not.toMatch(/min ago/);
    }
    const note = sent.find((m) => m.key.startsWith('ticket:1:reply:update-missed'));
    expect(note?.text).toBe(
      'Ticket #1 is now P1, which promises an update every 1 h: one is due now, and the team has been alerted.',
    );

    // The tick at the same instant finds nothing more to say; later, the card counts from the change.
    await slaTick.run(app.deps, change);
    expect((await outbox()).slice(before).map((m) => m.key)).toEqual(sent.map((m) => m.key));
    expect(clockLine(r.value, 'next_update', change + 10 * MIN)?.text).toBe(
      'next update breached 10 min ago',
    );
  });

  it('a breach by the change that pages nobody is told in the queue as one at the change', async () => {
    // Globex is Business: its chain does not start on the cadence, so nobody is paged for it.
    app.clock.set(T0);
    const r = await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0GLOBEX01',
      messageId: '1772463600.000002',
      threadRef: '1772463600.000002',
      author: { externalId: 'U0KOFIGX01', displayName: 'Kofi', workspaceId: 'T0GLOBEX01', external: true },
      text: 'Label printing is failing with errors',
      trigger: 'message',
    });
    if (!r.ok || r.value.status !== 'opened') throw new Error('not opened');
    expect(r.value.ticket).toMatchObject({ tier: 'business', priority: 'P2' }); // update every 480 min
    app.clock.set(T0 + MIN);
    const reply = await addMessage(app.deps, {
      platform: 'slack',
      channelId: 'C0GLOBEX01',
      threadRef: '1772463600.000002',
      messageId: '1772463660.000002',
      author: { externalId: priya.externalId, displayName: 'Priya', workspaceId: null },
      text: 'Checking the label service',
    });
    if (!reply.ok) throw reply.error;
    app.clock.set(T0 + 130 * MIN); // P1: every 120 min, so due at T0 + 121 min
    const changed = await setPriority(app.deps, {
      actor: priya,
      ticketId: r.value.ticket.id,
      priority: 'P1',
    });
    if (!changed.ok) throw changed.error;
    const sent = await outbox();
    expect(sent.filter((m) => m.key.startsWith('esc:'))).toEqual([]);
    expect(sent.find((m) => m.key.includes(':sla:next_update:breach:'))?.text).toMatch(
      /: next update breached: its new deadline, 12:01 EST, had already passed\.$/,
    );
  });

  it('a breach the tick announces at its deadline keeps its wording and the deadline as its instant', async () => {
    const ticket = await answeredP3();
    const r = await setPriority(app.deps, { actor: priya, ticketId: ticket.id, priority: 'p1' });
    if (!r.ok) throw r.error;
    await slaTick.run(app.deps, T0 + 61 * MIN);
    const [breach] = await app.rows<{ data: Record<string, unknown> }>(
      "select data from ticket_events where type = 'sla_breached'",
    );
    expect(breach!.data).toEqual({ clock: 'next_update', dueAt: T0 + 61 * MIN, breachedAt: T0 + 61 * MIN });
    const [note] = await app.rows<{ text: string }>(
      "select payload->>'text' as text from outbox where idempotency_key like 'ticket:1:reply:update-missed:%'",
    );
    expect(note!.text).toBe(
      'We owe you an update on ticket #1 (it was due 16:01 UTC). The team has been alerted.',
    );
  });
});
