import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/app/deps.js';
import { addMessage } from '../../src/app/intake/add-message.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { runQueueDigest } from '../../src/app/sla/queue-digest.js';
import { runSlaTick } from '../../src/app/sla/run-sla-tick.js';
import { claimTicket } from '../../src/app/tickets/claim-ticket.js';
import { resolveTicket } from '../../src/app/tickets/resolve-ticket.js';
import { run } from '../../src/jobs/queue-digest.js';
import type { TicketRecord } from '../../src/ports/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };
const ines = { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND' };

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp('2026-03-06T08:00:00Z');
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
const ts = () => `1772784000.${String(++seq).padStart(6, '0')}`;

/** A Northwind (enterprise, 24x7 UTC calendar) ticket opened now. */
async function open(text: string): Promise<TicketRecord> {
  const messageId = ts();
  const out = value(
    await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      messageId,
      threadRef: messageId,
      author: ines,
      text,
      trigger: 'message',
    }),
  );
  if (out.status !== 'opened') throw new Error(out.status);
  return out.ticket;
}

/** Security digests queued, by key (the queue is at 09:00 America/New_York). */
const securityDigests = async () =>
  app.rows<{ key: string; platform: string; channel: string; text: string; ordering: string }>(
    `select idempotency_key as key, platform, payload->>'channelId' as channel, payload->>'text' as text,
       ordering_key as ordering
     from outbox where idempotency_key like 'digest:security:%' order by idempotency_key`,
  );
const runAt = (iso: string) => {
  app.clock.set(iso);
  return run(app.deps, Date.parse(iso));
};

describe(`queue digest job (${TEST_DB_KIND})`, () => {
  it('goes out at 09:00 New York on both sides of the DST change, once per channel', async () => {
    expect((await runAt('2026-03-06T13:59:00Z')).queues).not.toContain('security'); // 08:59 EST
    expect(await securityDigests()).toEqual([]);
    expect((await runAt('2026-03-06T14:00:00Z')).queues).toContain('security'); // 09:00 EST
    expect((await securityDigests()).map((d) => [d.key, d.platform, d.channel, d.ordering])).toEqual([
      ['digest:security:discord:2026-03-06', 'discord', '1300000000000000001', 'digest:security:discord'],
      ['digest:security:sandbox:2026-03-06', 'sandbox', 'queue-security', 'digest:security:sandbox'],
      ['digest:security:slack:2026-03-06', 'slack', 'C0SECURITY1', 'digest:security:slack'],
    ]);
    // DST began on Sunday 8 March: 09:00 is now 13:00Z.
    expect((await runAt('2026-03-09T12:59:00Z')).queues).not.toContain('security');
    expect((await runAt('2026-03-09T13:00:00Z')).queues).toContain('security');
    expect((await securityDigests()).map((d) => d.key)).toEqual([
      'digest:security:discord:2026-03-06',
      'digest:security:discord:2026-03-09',
      'digest:security:sandbox:2026-03-06',
      'digest:security:sandbox:2026-03-09',
      'digest:security:slack:2026-03-06',
      'digest:security:slack:2026-03-09',
    ]);
  });

  it('counts open, at-risk, breached and unclaimed tickets of the queue, oldest unclaimed first', async () => {
    // 08:00Z: P3 (first response 240 min) left alone: breached at 12:00Z, unclaimed.
    const breached = await open('Permission denied when exporting the audit log');
    // 08:00Z: claimed and answered: first response met, nothing at risk.
    const claimed = await open('Permission settings for the audit log export');
    value(await claimTicket(app.deps, { actor: priya, ticketId: claimed.id }));
    value(
      await addMessage(app.deps, {
        platform: 'slack',
        channelId: 'C0NORTHWND',
        threadRef: claimed.origin.threadRef!,
        messageId: ts(),
        author: { externalId: priya.externalId, displayName: 'Priya', workspaceId: null },
        text: 'Looking at the permission model now',
      }),
    );
    // 08:00Z: resolved: not counted.
    const resolved = await open('Permission question about the audit log');
    value(await resolveTicket(app.deps, { actor: priya, ticketId: resolved.id, note: null }));
    // Another queue: not counted.
    const other = await open('Dashboards are slow, queries time out after 30s');
    app.clock.set('2026-03-06T12:00:00Z');
    const later = await open('Permission denied on the audit log for one admin'); // due 16:00Z: not at risk
    app.clock.set('2026-03-06T13:50:00Z');
    const atRisk = await open('Security incident: leaked api key in the audit log'); // P1, due 14:05Z
    expect([breached, claimed, resolved, later, atRisk].map((t) => t.queue)).toEqual(
      Array(5).fill('security'),
    );
    expect(other.queue).not.toBe('security');
    expect(atRisk.priority).toBe('P1');
    const now = Date.parse('2026-03-06T14:00:00Z');
    app.clock.set(now);
    while ((await runSlaTick(app.deps, now)) > 0);

    await run(app.deps, now);
    const [digest] = (await securityDigests()).filter((d) => d.platform === 'slack');
    expect(digest?.text).toBe(
      [
        'Daily digest — Security specialists (Fri 6 Mar)',
        'Open: 4 · At risk (due within 60 min): 1 · Breached: 1 · Unclaimed: 3',
        `Oldest unclaimed: #${breached.id}, #${later.id}, #${atRisk.id}`,
      ].join('\n'),
    );
    const counts = await app.deps.store.transaction((uow) =>
      uow.maintenance.queueDigestCounts(['security', 'billing'], {
        now,
        atRiskMs: 3_600_000,
        oldestLimit: 2,
      }),
    );
    expect(counts).toEqual([
      {
        queue: 'security',
        open: 4,
        atRisk: 1,
        breached: 1,
        unclaimed: 3,
        oldestUnclaimed: [breached.id, later.id],
      },
      { queue: 'billing', open: 0, atRisk: 0, breached: 0, unclaimed: 0, oldestUnclaimed: [] },
    ]);
  });

  it('is queued once when run repeatedly and by concurrent runs', async () => {
    await open('Permission denied when exporting the audit log');
    await runAt('2026-03-06T14:00:00Z');
    await runAt('2026-03-06T14:01:00Z');
    app.clock.set('2026-03-06T14:02:00Z');
    const now = app.clock.now();
    const runs = await Promise.all([1, 2, 3].map(() => runQueueDigest(app.deps, now)));
    expect(runs.every((r) => !r.queues.includes('security'))).toBe(true);
    expect(await securityDigests()).toHaveLength(3);
  });

  it('concurrent first runs still queue one digest per channel', async () => {
    app.clock.set('2026-03-06T14:00:00Z');
    const now = app.clock.now();
    await Promise.all([1, 2, 3].map(() => runQueueDigest(app.deps, now)));
    expect((await securityDigests()).map((d) => d.key)).toEqual([
      'digest:security:discord:2026-03-06',
      'digest:security:sandbox:2026-03-06',
      'digest:security:slack:2026-03-06',
    ]);
  });

  it('a job that was down at 09:00 sends it later the same day, never the next day', async () => {
    expect((await runAt('2026-03-06T23:30:00Z')).queues).toContain('security'); // 18:30 EST
    expect((await securityDigests()).map((d) => d.key)).toContain('digest:security:slack:2026-03-06');
    await app.reset();
    // Down all of Friday: just after midnight New York, Friday's digest is not sent, Saturday's not due.
    expect((await runAt('2026-03-07T05:30:00Z')).queues).not.toContain('security');
    expect((await runAt('2026-03-07T13:59:00Z')).queues).not.toContain('security');
    expect(await securityDigests()).toEqual([]);
  });
});
