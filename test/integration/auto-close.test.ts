import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/app/deps.js';
import { addMessage } from '../../src/app/intake/add-message.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { runAutoClose } from '../../src/app/tickets/auto-close.js';
import { claimTicket } from '../../src/app/tickets/claim-ticket.js';
import { resolveTicket } from '../../src/app/tickets/resolve-ticket.js';
import { run } from '../../src/jobs/auto-close.js';
import type { TicketRecord } from '../../src/ports/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };
const ines: ActorRef = { platform: 'slack', externalId: 'U0INESNW01' };

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp('2026-03-02T15:00:00Z');
});
afterAll(async () => {
  await app.db.drop();
});
beforeEach(async () => {
  await app.reset();
});

function value<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

let seq = 0;
const ts = () => `1772463600.${String(++seq).padStart(6, '0')}`;

/** Opens a Northwind (enterprise, UTC calendar) ticket, claims and resolves it. */
async function resolvedTicket(): Promise<TicketRecord> {
  const messageId = ts();
  const out = value(
    await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      messageId,
      threadRef: messageId,
      author: { externalId: ines.externalId, displayName: 'Inés', workspaceId: 'T0NORTHWND' },
      text: 'Dashboards are slow, queries time out after 30s',
      trigger: 'message',
    }),
  );
  if (out.status !== 'opened') throw new Error(out.status);
  value(await claimTicket(app.deps, { actor: priya, ticketId: out.ticket.id }));
  return value(await resolveTicket(app.deps, { actor: priya, ticketId: out.ticket.id, note: 'index added' }));
}

const runAt = (ms: number) => {
  app.clock.set(ms);
  return run(app.deps, ms);
};
const replies = async (id: number) =>
  app.rows<{ key: string; text: string; thread: string }>(
    `select idempotency_key as key, payload->>'text' as text, payload->>'threadRef' as thread from outbox
     where ticket_id = ${id} and payload->>'kind' = 'thread_reply' order by id`,
  );
const statusOf = async (id: number) =>
  (
    await app.rows<{ status: string; closed_at: Date | null; auto_close_at: Date | null }>(
      `select status, closed_at, auto_close_at from tickets where id = ${id}`,
    )
  )[0];

describe(`auto-close job (${TEST_DB_KIND})`, () => {
  it('warns once, autoCloseWarningHours before the close, however often it runs', async () => {
    const t = await resolvedTicket();
    const closeAt = t.autoCloseAt!;
    expect(closeAt).toBe(Date.parse('2026-03-02T15:00:00Z') + 5 * DAY_MS);
    const warnAt = closeAt - 24 * HOUR_MS;
    expect(await runAt(warnAt - 60_000)).toEqual({ warned: 0, closed: 0 });
    expect(await runAt(warnAt)).toEqual({ warned: 1, closed: 0 });
    for (const minutes of [0, 5, 10, 600])
      expect(await runAt(warnAt + minutes * 60_000)).toEqual({ warned: 0, closed: 0 });
    const warnings = (await replies(t.id)).filter((r) => r.key.includes('autoclose-warning'));
    expect(warnings).toEqual([
      {
        key: `ticket:${t.id}:autoclose-warning:${closeAt}`,
        text: `Ticket #${t.id} will close on Sat 7 Mar 15:00 UTC unless you reply here.`,
        thread: t.origin.threadRef,
      },
    ]);
    expect((await statusOf(t.id))?.status).toBe('resolved');
  });

  it('closes at auto_close_at: status, timeline, SLA, card refresh and a note to the customer', async () => {
    const t = await resolvedTicket();
    const closeAt = t.autoCloseAt!;
    expect(await runAt(closeAt - 60_000)).toEqual({ warned: 1, closed: 0 });
    expect(await runAt(closeAt)).toEqual({ warned: 0, closed: 1 });
    expect(await runAt(closeAt + 60_000)).toEqual({ warned: 0, closed: 0 });
    const row = await statusOf(t.id);
    expect(row?.status).toBe('closed');
    expect(new Date(row!.closed_at!).getTime()).toBe(closeAt);
    expect(row?.auto_close_at).toBeNull();
    const events = await app.rows<{ type: string; data: { reason?: string }; actor_id: number | null }>(
      `select type, data, actor_id from ticket_events where ticket_id = ${t.id} order by id`,
    );
    expect(events.slice(-2)).toEqual([
      { type: 'status_changed', data: { from: 'resolved', to: 'closed' }, actor_id: null },
      { type: 'closed', data: { reason: 'auto' }, actor_id: null },
    ]);
    const [sla] = await app.rows<{ status: string }>(
      `select sla->>'status' as status from tickets where id = ${t.id}`,
    );
    expect(sla?.status).toBe('closed');
    expect((await replies(t.id)).at(-1)).toMatchObject({
      key: `ticket:${t.id}:reply:auto-closed`,
      text: `Ticket #${t.id} is closed. Write in the channel to open a new one.`,
    });
    const cards = await app.rows<{ key: string }>(
      `select idempotency_key as key from outbox where ticket_id = ${t.id} and payload->>'kind' = 'ticket_card' order by id`,
    );
    // Card refreshes coalesce: the undelivered card message shows the closed ticket when it goes out.
    expect(cards).toHaveLength(1);
  });

  it('a job that was down past the close time closes without a late warning', async () => {
    const t = await resolvedTicket();
    expect(await runAt(t.autoCloseAt! + 3 * HOUR_MS)).toEqual({ warned: 0, closed: 1 });
    expect((await replies(t.id)).map((r) => r.key)).not.toContain(
      `ticket:${t.id}:autoclose-warning:${t.autoCloseAt}`,
    );
  });

  it('leaves a ticket reopened meanwhile alone; resolving it again warns again', async () => {
    const t = await resolvedTicket();
    await runAt(t.autoCloseAt! - HOUR_MS); // warned
    const m = ts();
    value(
      await addMessage(app.deps, {
        platform: 'slack',
        channelId: 'C0NORTHWND',
        threadRef: t.origin.threadRef!,
        messageId: m,
        author: { externalId: ines.externalId, displayName: 'Inés', workspaceId: 'T0NORTHWND' },
        text: 'Still slow',
      }),
    );
    expect(await runAt(t.autoCloseAt! + DAY_MS)).toEqual({ warned: 0, closed: 0 });
    expect((await statusOf(t.id))?.status).toBe('open');
    const again = value(await resolveTicket(app.deps, { actor: priya, ticketId: t.id, note: null }));
    expect(await runAt(again.autoCloseAt! - HOUR_MS)).toEqual({ warned: 1, closed: 0 });
    expect(
      (await replies(t.id)).filter((r) => r.key.includes('autoclose-warning')).map((r) => r.key),
    ).toEqual([
      `ticket:${t.id}:autoclose-warning:${t.autoCloseAt}`,
      `ticket:${t.id}:autoclose-warning:${again.autoCloseAt}`,
    ]);
  });

  it('concurrent runs in small batches close each ticket exactly once', async () => {
    const tickets = [];
    for (let i = 0; i < 7; i++) tickets.push(await resolvedTicket());
    const now = Math.max(...tickets.map((t) => t.autoCloseAt!)) + 60_000;
    app.clock.set(now);
    const runs = await Promise.all([1, 2, 3].map(() => runAutoClose(app.deps, now, { limit: 2 })));
    expect(runs.reduce((n, r) => n + r.closed, 0)).toBe(7);
    const closed = await app.rows<{ ticket_id: number; n: number }>(
      "select ticket_id, count(*)::int as n from ticket_events where type = 'closed' group by ticket_id",
    );
    expect(closed).toHaveLength(7);
    expect(closed.every((c) => Number(c.n) === 1)).toBe(true);
    const notes = await app.rows<{ n: number }>(
      "select count(*)::int as n from outbox where idempotency_key like '%:reply:auto-closed'",
    );
    expect(Number(notes[0]?.n)).toBe(7);
    expect(await run(app.deps, now)).toEqual({ warned: 0, closed: 0 });
  });
});
