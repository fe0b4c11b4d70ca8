import { describe, expect, it } from 'vitest';
import { escalateTicket } from '../../src/app/escalation/escalate-ticket.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import type { ActorRef } from '../../src/app/shared/actors.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const app = useTestApp();

const T0 = Date.parse('2026-03-02T15:00:00Z'); // Mon 10:00 New York: jun is on call
const priya: ActorRef = { platform: 'slack', externalId: 'U0PRIYA001' };

async function openP1(n: number) {
  const r = await openTicket(app.deps, {
    platform: 'slack',
    channelId: 'C0NORTHWND',
    messageId: `C0NORTHWND:1772463600.00000${n}`,
    threadRef: `1772463600.00000${n}`,
    author: { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND', external: true },
    text: `Production down: payments api outage ${n}`,
    trigger: 'message',
  });
  if (!r.ok || r.value.status !== 'opened') throw new Error('not opened');
  return r.value.ticket;
}

const pages = async () =>
  app.rows<{ user: string }>(
    "select payload->>'userId' as user from outbox where payload->>'kind' = 'direct_message' order by id",
  );

describe(`scheduler, woken by a change (${TEST_DB_KIND})`, () => {
  it('runs the SLA tick at once when the change made work due, and only then', async () => {
    app.clock.set(T0);
    const opened = await openTicket(app.deps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      messageId: 'C0NORTHWND:1772463600.000001',
      threadRef: '1772463600.000001',
      author: { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND', external: true },
      text: 'Production down: payments api outage for all customers',
      trigger: 'message',
    });
    if (!opened.ok || opened.value.status !== 'opened') throw new Error('not opened');
    const worked: number[] = [];
    const scheduler = new Scheduler(app.deps, [], () => worked.push(app.clock.now()));
    try {
      // A new ticket makes nothing due now: the wake only re-arms the timer.
      await scheduler.tick(true);
      expect(await pages()).toEqual([]);
      expect(worked).toEqual([]);

      // /ticket escalate starts a chain due now: the wake runs the tick, which pages the on-call.
      const escalated = await escalateTicket(app.deps, {
        actor: priya,
        ticketId: opened.value.ticket.id,
        reason: 'customer exec called',
      });
      expect(escalated.ok).toBe(true);
      await scheduler.tick(true);
      expect((await pages()).length).toBeGreaterThan(0);
      expect(worked.length).toBeGreaterThan(0);
    } finally {
      await scheduler.stop();
    }
  });

  it('after a tick that worked, waits its minimum gap before the next; work due meanwhile runs then', async () => {
    app.clock.set(T0);
    const [a, b] = [await openP1(1), await openP1(2)];
    // The gap is real time (performance.now), so the test checks against the time it measured
    // itself rather than assume the steps below take less than the gap on a busy machine.
    const gapMs = 3000;
    const scheduler = new Scheduler(app.deps, [], () => {}, gapMs);
    try {
      expect((await escalateTicket(app.deps, { actor: priya, ticketId: a.id, reason: 'exec' })).ok).toBe(
        true,
      );
      const first = performance.now(); // the worked tick starts after this
      await scheduler.tick(true); // due now: runs, and pages a's on-call
      expect(await pages()).toHaveLength(1);
      expect((await escalateTicket(app.deps, { actor: priya, ticketId: b.id, reason: 'exec' })).ok).toBe(
        true,
      );
      await scheduler.tick(true); // due now too, but within the gap: only re-arms the timer
      const seen = (await pages()).length;
      if (performance.now() - first < gapMs) expect(seen).toBe(1); // else the gap had run out already
      await eventually(async () => expect(await pages()).toHaveLength(2));
      expect(performance.now() - first).toBeGreaterThanOrEqual(gapMs);
    } finally {
      await scheduler.stop();
    }
  });

  it('a job still running when its next run falls due skips that run, and says which job', async () => {
    const warned: Array<{ job?: string; msg?: string }> = [];
    const deps = {
      ...app.deps,
      logger: { ...app.deps.logger, warn: (o: object, msg?: string) => warned.push({ ...o, msg }) },
    };
    let runs = 0;
    let release = () => {};
    const slow = {
      name: 'slow-report',
      schedule: '* * * * * *', // every second
      run: () => {
        runs += 1;
        return new Promise<void>((r) => {
          release = r;
        });
      },
    };
    const scheduler = new Scheduler(deps, [slow], () => {});
    scheduler.start();
    try {
      await eventually(() =>
        expect(warned).toContainEqual({
          job: 'slow-report',
          msg: 'job still running; this run is skipped',
        }),
      );
      expect(runs).toBe(1);
      release();
      await eventually(() => expect(runs).toBe(2));
    } finally {
      release();
      await scheduler.stop();
    }
  });
});
