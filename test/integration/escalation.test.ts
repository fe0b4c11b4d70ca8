import { describe, expect, it } from 'vitest';
import { acknowledgeEscalation } from '../../src/app/escalation/acknowledge-escalation.js';
import { escalateTicket } from '../../src/app/escalation/escalate-ticket.js';
import { addMessage } from '../../src/app/intake/add-message.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { buildCardViews } from '../../src/app/shared/card-view.js';
import { resolveTicket } from '../../src/app/tickets/resolve-ticket.js';
import { setPriority } from '../../src/app/tickets/set-priority.js';
import { setStatus } from '../../src/app/tickets/set-status.js';
import * as slaTick from '../../src/jobs/sla-tick.js';
import type { ChatDelivery, DeliveryRequest } from '../../src/ports/chat.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { startTestWorker } from '../support/worker.js';

const app = useTestApp();

const T0 = Date.parse('2026-03-02T15:00:00Z'); // Mon 10:00 New York: jun's week on sre-primary begins
const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };
const jun: ActorRef = { platform: 'slack', externalId: 'U0JUN00001' };

async function openP1(text = 'Production down: payments api outage for all customers') {
  const r = await openTicket(app.deps, {
    platform: 'slack',
    channelId: 'C0NORTHWND',
    messageId: `C0NORTHWND:${Math.random()}`,
    threadRef: '1772463600.000001',
    author: { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND', external: true },
    text,
    trigger: 'message',
  });
  if (!r.ok || r.value.status !== 'opened') throw new Error('not opened');
  return r.value.ticket;
}

/** Moves the clock to T0 + minutes and runs the SLA tick, as the scheduler would. */
async function at(minutes: number) {
  app.clock.set(T0 + minutes * 60_000);
  return slaTick.run(app.deps, app.clock.now());
}

const events = async () =>
  (await app.rows<{ type: string }>('select type from ticket_events order by id')).map((e) => e.type);
const pages = async () =>
  app.rows<{ key: string; user: string }>(
    "select idempotency_key as key, payload->>'userId' as user from outbox where payload->>'kind' = 'direct_message' order by id",
  );

/** A chat platform that takes everything and records what it was asked to send (ref = key). */
function recordingPlatform(): { delivery: ChatDelivery; requests: DeliveryRequest[] } {
  const requests: DeliveryRequest[] = [];
  const delivery: ChatDelivery = {
    platform: 'slack',
    async deliver(req) {
      requests.push(req);
      return { ok: true, ref: req.body.kind === 'page_update' ? (req.page?.ref ?? null) : req.key };
    },
  };
  return { delivery, requests };
}

/** Delivers everything due with the outbox worker, until nothing is left pending. */
async function deliverAll(delivery: ChatDelivery) {
  const worker = startTestWorker(app.deps, delivery);
  try {
    await eventually(async () => {
      const [row] = await app.rows<{ n: number }>(
        "select count(*)::int as n from outbox where status = 'pending'",
      );
      expect(row?.n).toBe(0);
    });
  } finally {
    await worker.stop();
  }
}

describe(`SLA tick and escalation (${TEST_DB_KIND})`, () => {
  it('saves a batch of evaluated tickets together: each its own state, version and clock projection', async () => {
    app.clock.set(T0);
    const p1 = await openP1();
    const p3 = await openP1('How do I export invoices as CSV?');
    expect(p3.priority).not.toBe('P1');
    await at(15); // one tick: p1's first response breaches; p3 has nothing due yet
    const rows = await app.rows<{
      id: number;
      version: number;
      next: string | null;
      breached: string | null;
    }>(
      `select t.id, t.version, t.sla_next_check_at as next, c.breached_at as breached
       from tickets t join sla_clocks c on c.ticket_id = t.id and c.kind = 'first_response' order by t.id`,
    );
    expect(rows.map((r) => [Number(r.id), r.breached !== null])).toEqual([
      [p1.id, true],
      [p3.id, false],
    ]);
    const saved = rows.find((r) => Number(r.id) === p1.id)!;
    expect(Number(saved.version)).toBeGreaterThan(p1.version);
    // What the tick saved is what a fresh read returns.
    const [fresh] = await app.rows<{ sla: { clocks: { first_response: { breachedAt: number } } } }>(
      `select sla from tickets where id = ${p1.id}`,
    );
    expect(fresh!.sla.clocks.first_response.breachedAt).toBe(T0 + 15 * 60_000);
  });

  it('a P1 enterprise ticket nobody answers: warnings, on-call page, re-page, secondary, lead', async () => {
    app.clock.set(T0);
    const t = await openP1();
    expect(t.priority).toBe('P1');
    await at(7.5); // 50% of the 15-minute first response
    await at(11.25); // 75%
    expect(await events()).toEqual(['opened', 'message_added', 'sla_warning', 'sla_warning']);
    const warnings = await app.rows<{ text: string }>(
      "select payload->>'text' as text from outbox where payload->>'kind' = 'channel_message' order by id",
    );
    expect(warnings.map((w) => w.text)).toEqual([
      expect.stringMatching(
        /^⚠️ #1 Enterprise P1 integrations — .*: first response due in 8 min \(50% of the target used\)\.$/,
      ),
      expect.stringMatching(/first response due in 4 min \(75% of the target used\)/),
    ]);
    await at(15); // breach: the chain starts and pages jun, on call for sre-primary
    expect((await events()).slice(4)).toEqual(['sla_breached', 'escalated', 'page_sent']);
    expect(await pages()).toEqual([{ key: 'esc:1:l0:a1:dm:jun', user: 'U0JUN00001' }]);
    await at(20);
    expect(await pages()).toHaveLength(1); // still within the 10-minute acknowledgement wait
    await at(25); // repeat at the same level
    await at(35); // secondary rotation (12 h shifts from 08:00 Berlin: lena until 20:00)
    await at(45);
    await at(55); // the support lead
    expect((await pages()).map((p) => p.key)).toEqual([
      'esc:1:l0:a1:dm:jun',
      'esc:1:l0:a2:dm:jun',
      'esc:1:l1:a1:dm:lena',
      'esc:1:l1:a2:dm:lena',
      'esc:1:l2:a1:dm:dana',
    ]);
    const queue = await app.rows<{ mentions: string[] }>(
      "select payload->'mentions' as mentions from outbox where idempotency_key = 'ticket:1:esc:1:l0:a1:queue'",
    );
    expect(queue[0]?.mentions).toEqual(['U0JUN00001']);
  });

  it('a tick that runs late tells the queue only what still matters: the latest warning, or the breach', async () => {
    app.clock.set(T0);
    await openP1();
    await at(12); // both the 50% and the 75% thresholds passed since the last run
    await at(30); // and now the deadline too, before the tick ran again
    const notices = await app.rows<{ text: string }>(
      "select payload->>'text' as text from outbox where payload->>'kind' = 'channel_message' order by id",
    );
    // The 75% warning, then the page's mention, which says the clock breached: no separate notice.
    expect(notices).toHaveLength(2);
    expect(notices[0]!.text).toMatch(/^⚠️ .*\(75% of the target used\)/);
    expect(notices[1]!.text).toMatch(/^🚨 Page for Primary on-call: #1 .*first response breached/);
    expect(await events()).toEqual(expect.arrayContaining(['sla_warning', 'sla_breached']));
  });

  it('acknowledging stops the chain; running the tick again sends nothing twice', async () => {
    app.clock.set(T0);
    await openP1();
    await at(15);
    await at(15); // the same instant again: idempotent
    expect(await pages()).toHaveLength(1);
    app.clock.set(T0 + 17 * 60_000);
    const r = await acknowledgeEscalation(app.deps, { actor: jun, ticketId: 1 });
    expect(r.ok).toBe(true);
    await at(30);
    await at(120);
    expect(await pages()).toHaveLength(1);
    expect(await events()).toContain('acknowledged');
    const again = await acknowledgeEscalation(app.deps, { actor: jun, ticketId: 1 });
    expect(again.ok ? null : again.error.message).toBe('No escalation is running for ticket #1.');
  });

  it('acknowledging edits every DM that paged for it, a shared one only for its own page; the card says who and when', async () => {
    const platform = recordingPlatform();
    app.clock.set(T0);
    const [a, b, c] = [await openP1('outage one'), await openP1('outage two'), await openP1('outage three')];
    await at(15); // all three breach: one DM to jun with three pages
    await deliverAll(platform.delivery);
    await at(25); // no acknowledgement: the three are paged again, in a second shared DM
    await deliverAll(platform.delivery);
    const dms = platform.requests.filter((r) => r.body.kind === 'direct_message').map((r) => r.key);
    expect(dms).toHaveLength(2);

    app.clock.set(T0 + 26 * 60_000);
    expect((await acknowledgeEscalation(app.deps, { actor: jun, ticketId: b.id })).ok).toBe(true);
    app.clock.set(T0 + 27 * 60_000);
    expect((await acknowledgeEscalation(app.deps, { actor: jun, ticketId: c.id })).ok).toBe(true);
    await deliverAll(platform.delivery);

    const edits = platform.requests.filter((r) => r.body.kind === 'page_update');
    // One edit per DM per acknowledgement, each of a DM that was posted, after it.
    expect(edits.map((e) => (e.body as { pageKey: string }).pageKey).sort()).toEqual([...dms, ...dms].sort());
    for (const e of edits) {
      expect(e.page?.ref).toBe((e.body as { pageKey: string }).pageKey);
      // Rendered at delivery: both acknowledgements are in every edit, ticket a's page is not.
      expect(e.page?.acknowledged).toEqual([
        { ticketId: b.id, text: 'acknowledged by Jun Watanabe 15:26 UTC' },
        { ticketId: c.id, text: 'acknowledged by Jun Watanabe 15:27 UTC' },
      ]);
    }
    const views = await app.deps.store.withoutTransaction(async (uow) =>
      buildCardViews(uow, [...(await uow.tickets.getMany([a.id, b.id])).values()], app.clock.now()),
    );
    expect(views.get(a.id)?.escalation?.text).toBe('paging level 1, Primary on-call');
    expect(views.get(b.id)?.escalation).toEqual({
      level: 'level 1',
      status: 'acknowledged',
      text: 'acknowledged by Jun Watanabe 15:26 UTC',
    });
  });

  it('a page sent at a priority change is edited when acknowledged, like a page of the tick', async () => {
    app.clock.set(T0);
    const t = await openP1('How do I export invoices as CSV?');
    expect(t.priority).not.toBe('P1');
    app.clock.set(T0 + 20 * 60_000); // past a P1's 15-minute first response
    expect((await setPriority(app.deps, { actor: priya, ticketId: t.id, priority: 'P1' })).ok).toBe(true);
    const [dm] = await pages();
    expect(dm?.key).toMatch(/^esc:\d+:l0:a1:dm:jun$/); // paged at the change, not by a tick
    await deliverAll(recordingPlatform().delivery);
    expect((await acknowledgeEscalation(app.deps, { actor: jun, ticketId: t.id })).ok).toBe(true);
    const edits = await app.rows<{ page: string }>(
      "select payload->>'pageKey' as page from outbox where payload->>'kind' = 'page_update'",
    );
    expect(edits).toEqual([{ page: dm!.key }]);
  });

  it('a ticket waiting on the customer does not escalate; resolving stops a running chain', async () => {
    app.clock.set(T0);
    await openP1();
    app.clock.set(T0 + 5 * 60_000);
    await addMessage(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      threadRef: '1772463600.000001',
      messageId: 'C0NORTHWND:reply-1',
      author: { externalId: 'U0PRIYA001', displayName: 'Priya', workspaceId: 'T0VENDOR01' },
      text: 'Can you send the request ids?',
    });
    await setStatus(app.deps, { actor: priya, ticketId: 1, status: 'waiting_on_customer' });
    for (const m of [60, 240, 600, 2000]) await at(m); // far past the 240-minute resolution target
    expect(await events()).not.toContain('sla_breached');
    expect(await pages()).toEqual([]);

    const second = await openP1('Outage again: checkout is down');
    await at(2000 + 15);
    expect(await pages()).toHaveLength(1);
    await resolveTicket(app.deps, { actor: priya, ticketId: second.id, note: null });
    await at(2000 + 60);
    expect(await pages()).toHaveLength(1);
  });

  it('tickets breaching together all page in one tick; one already escalated by hand is not escalated again', async () => {
    app.clock.set(T0);
    const tickets = [];
    for (let i = 0; i < 7; i++) tickets.push(await openP1(`Production down: outage number ${i}`));
    const manual = tickets[3]!;
    app.clock.set(T0 + 60_000);
    const r = await escalateTicket(app.deps, {
      actor: priya,
      ticketId: manual.id,
      reason: 'customer called',
    });
    expect(r.ok).toBe(true);
    await at(7.5);
    await at(11.25);
    const ran = await at(15); // every first response breaches at once
    expect(ran.tickets).toBe(7);
    const escalations = await app.rows<{ ticket: number; n: number; manual: number }>(
      `select ticket_id as ticket, count(*)::int as n, count(*) filter (where trigger = 'manual')::int as manual
       from escalations group by ticket_id order by ticket_id`,
    );
    expect(escalations.map((e) => [Number(e.ticket), e.n, e.manual])).toEqual(
      tickets.map((t) => [t.id, 1, t.id === manual.id ? 1 : 0]),
    );
    const timeline = await app.rows<{ ticket: number; types: string[] }>(
      `select ticket_id as ticket, array_agg(type order by id) as types from ticket_events
       where type in ('escalated', 'page_sent') group by ticket_id order by ticket_id`,
    );
    expect(timeline.map((t) => [Number(t.ticket), t.types])).toEqual(
      tickets.map((t) => [t.id, ['escalated', 'page_sent']]),
    );
    // The manual escalation paged jun when it started, alone; the six breaches page him together:
    // one DM listing each ticket under its own escalation, with an Acknowledge for each.
    const dms = await app.rows<{
      key: string;
      ticket: string | null;
      pages: Array<{ ticketId: number }> | null;
    }>(
      "select idempotency_key as key, payload->>'ticketId' as ticket, payload->'pages' as pages from outbox where payload->>'kind' = 'direct_message' order by id",
    );
    expect(dms).toHaveLength(2);
    expect(dms[0]!.key).toMatch(/^esc:\d+:l0:a1:dm:jun$/);
    expect(Number(dms[0]!.ticket)).toBe(manual.id);
    expect(dms[1]!.key).toMatch(/^pages:(\d+:l0:a1,){5}\d+:l0:a1:dm:jun$/);
    expect(dms[1]!.ticket).toBeNull();
    expect(dms[1]!.pages!.map((p) => p.ticketId)).toEqual(
      tickets.filter((t) => t.id !== manual.id).map((t) => t.id),
    );
    // The queue hears the six pages in one message too, mentioning jun once, and no breach notice
    // of theirs; the hand-escalated ticket (no page now) gets its breach notice.
    const queue = await app.rows<{ text: string; mentions: string[] }>(
      `select payload->>'text' as text, payload->'mentions' as mentions from outbox
       where payload->>'kind' = 'channel_message' and created_at = to_timestamp(${(T0 + 15 * 60_000) / 1000})
       order by id`,
    );
    expect(queue.map((q) => q.text.split('\n').length)).toEqual([1, 7]);
    expect(queue[0]!.text).toMatch(new RegExp(`^🚨 #${manual.id} .*first response breached`));
    expect(queue[1]!.mentions).toEqual(['U0JUN00001']);
    // The tick's escalation events say why: the breach, not a second manual escalation.
    const reasons = await app.rows<{ reason: string }>(
      "select data->>'reason' as reason from ticket_events where type = 'escalated' order by ticket_id",
    );
    expect(reasons.map((x) => x.reason).sort()).toEqual([
      'customer called',
      ...Array(6).fill('first response breached'),
    ]);
    await at(15); // the same instant again: nothing doubles
    expect(await pages()).toHaveLength(2);
  });

  it('a flood: the queue hears warnings ten to a message, and one person gets pages ten to a DM, at each repeat', async () => {
    app.clock.set(T0);
    const tickets = [];
    for (let i = 0; i < 12; i++) tickets.push(await openP1(`Production down: outage number ${i}`));
    await at(7.5); // twelve 50% warnings in one tick: the queue gets two messages, not twelve
    const warned = await app.rows<{ key: string; text: string; ticket: string | null }>(
      `select idempotency_key as key, payload->>'text' as text, payload->>'ticketId' as ticket from outbox
       where payload->>'kind' = 'channel_message' order by id`,
    );
    expect(warned.map((w) => w.text.split('\n').length)).toEqual([11, 3]);
    expect(warned.every((w) => /^sla-notices:[0-9a-f]{32}$/.test(w.key) && w.ticket === null)).toBe(true);
    const listed = warned.flatMap((w) => w.text.split('\n').slice(1));
    expect(
      listed.every((l) => /^⚠️ #\d+ .*first response due in 8 min \(50% of the target used\)\.$/.test(l)),
    ).toBe(true);
    expect(listed.map((l) => Number(/#(\d+) /.exec(l)![1])).sort((a, b) => a - b)).toEqual(
      tickets.map((t) => t.id),
    );
    await at(7.5); // the same instant again: nothing doubles
    expect(await app.rows("select id from outbox where payload->>'kind' = 'channel_message'")).toHaveLength(
      2,
    );
    await at(11.25);
    await at(15); // twelve breaches in one tick
    await at(25); // no acknowledgement: the escalation tick repeats all twelve pages
    const dms = await app.rows<{
      key: string;
      user: string;
      pages: Array<{ ticketId: number; text: string }> | null;
    }>(
      "select idempotency_key as key, payload->>'userId' as user, payload->'pages' as pages from outbox where payload->>'kind' = 'direct_message' order by id",
    );
    expect(dms.map((d) => [d.user, d.pages?.length ?? 1])).toEqual([
      ['U0JUN00001', 10],
      ['U0JUN00001', 2],
      ['U0JUN00001', 10],
      ['U0JUN00001', 2],
    ]);
    const paged = (n: number) => dms.slice(n, n + 2).flatMap((d) => d.pages!.map((p) => p.ticketId));
    expect(paged(0).sort((a, b) => a - b)).toEqual(tickets.map((t) => t.id));
    expect(paged(2).sort((a, b) => a - b)).toEqual(tickets.map((t) => t.id));
    expect(
      dms.slice(2).every((d) => d.pages!.every((p) => p.text.endsWith('(Primary on-call, page 2)'))),
    ).toBe(true);
    expect(new Set(dms.map((d) => d.key)).size).toBe(4);
    // Every ticket's timeline has its own pages.
    const sent = await app.rows<{ n: number }>(
      "select count(*)::int as n from ticket_events where type = 'page_sent' group by ticket_id",
    );
    expect(sent.map((r) => r.n)).toEqual(Array(12).fill(2));
    await at(25); // the same instant again: nothing doubles
    expect(await pages()).toHaveLength(4);
  });

  it('a starter ticket pages its lead only in office hours and never an on-call rotation', async () => {
    app.clock.set('2026-03-02T15:30:00Z'); // Mon 16:30 Berlin: office open until 17:00
    const r = await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0INITECH1',
      messageId: 'C0INITECH1:1',
      threadRef: '1',
      author: { externalId: 'U0MIAINT01', displayName: 'Mia', workspaceId: 'T0INITECH1', external: true },
      text: 'Everything is down, outage!',
      trigger: 'message',
    });
    expect(r.ok && r.value.status).toBe('opened');
    // P2 (capped), first response 480 business minutes: 30 min Mon, 210 + 210 Tue, 30 min Wed → Wed 09:30 Berlin.
    app.clock.set('2026-03-04T08:30:00Z');
    await slaTick.run(app.deps, app.clock.now());
    expect(await pages()).toEqual([{ key: 'esc:1:l0:a1:dm:dana', user: 'U0DANA0001' }]);
  });
});
