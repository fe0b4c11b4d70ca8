/**
 * Figure 3, ping lateness: N first-response deadlines fall within one minute; each breach pages
 * the on-call engineer by DM (the breaches of one tick batch share DMs, ten to a DM). Measures, for
 * every ticket's page, the time from its deadline to the arrival of the DM that carries it
 * at a fake Slack Web API (a process of its own) — through `tierdesk start` itself: its scheduler,
 * SLA tick, escalation, outbox worker and Slack adapter.
 *
 * The tickets are opened beforehand through openTicket (15 minutes before their deadline, on a fake
 * clock); their earlier warnings (50%, 75%) are emitted and marked sent before the bot starts, as
 * they would have gone out minutes earlier in production, so the burst measured is the deadlines.
 */
import { sql } from 'drizzle-orm';
import { openTicket } from '../src/app/intake/open-ticket.js';
import * as slaTick from '../src/jobs/sla-tick.js';
import { FakeClock } from '../test/fakes/clock.js';
import { appDeps, createBenchDatabase } from './lib/database.js';
import { figure } from './lib/figure.js';
import { percentile } from './lib/report.js';
import { CUSTOMER, CUSTOMER_CHANNEL, CUSTOMER_TEAM, startBot, startFakeSlack } from './lib/slack.js';

const FIRST_RESPONSE_MS = 15 * 60_000; // Enterprise P1 in policy/example.yaml

figure(async (opts, progress) => {
  const count = opts.smoke ? 10 : opts.quick ? 50 : 10_000;
  const windowMs = opts.smoke ? 1_000 : opts.quick ? 2_000 : 60_000;
  const db = await createBenchDatabase(opts.databaseUrl, 'pings');
  const database = await db.open(16);
  const clock = new FakeClock(Date.now());
  const deps = appDeps(database, db.policy, clock);
  const open = async (id: string, dueAt: number) => {
    const r = await openTicket(
      { ...deps, clock: { now: () => dueAt - FIRST_RESPONSE_MS } },
      {
        platform: 'slack',
        channelId: CUSTOMER_CHANNEL,
        messageId: `${CUSTOMER_CHANNEL}:${id}`,
        threadRef: `1772000000.${id}`,
        author: { externalId: CUSTOMER, displayName: 'Inés', workspaceId: CUSTOMER_TEAM, external: true },
        text: `Production down: outage ${id}`,
        trigger: 'message',
      },
    );
    if (!r.ok || r.value.status !== 'opened') throw new Error('seed failed');
    return r.value.ticket;
  };
  const parallel = async (n: number, fn: (i: number) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < n; i = next++) await fn(i);
      }),
    );
  };
  // Calibrate: how fast this machine opens tickets (these fall due tomorrow, outside the window).
  const calStart = performance.now();
  const calibration = opts.smoke ? 5 : opts.quick ? 30 : 200;
  await parallel(calibration, (i) => open(`cal-${i}`, Date.now() + 86_400_000));
  const msPerTicket = (performance.now() - calStart) / calibration;
  // Seeding, then emitting the warnings (about as long again), then starting the bot.
  const headroomMs = opts.smoke ? 1_000 : opts.quick ? 4_000 : 15_000; // a smoke run's bot may start late
  const firstDue = Date.now() + Math.ceil(2.5 * count * msPerTicket) + headroomMs;
  const due = new Map<number, number>();
  await parallel(count, async (i) => {
    const at = firstDue + Math.floor((i * windowMs) / count);
    const t = await open(`ping-${i}`, at);
    due.set(t.id, at);
    if (i % 500 === 0) progress((0.3 * i) / count);
  });
  clock.set(Date.now());
  while ((await slaTick.run(deps, clock.now())).tickets > 0) clock.set(Date.now());
  await database.db.execute(sql`update outbox set status = 'sent', sent_at = now() where status = 'pending'`);
  await database.close();

  const fake = await startFakeSlack();
  const arrivals = new Map<number, number>();
  const giveUp = firstDue + windowMs + 120_000;
  let bot: Awaited<ReturnType<typeof startBot>> | null = null;
  let seededLate = false;
  try {
    bot = await startBot(db, fake.url);
    seededLate = Date.now() > firstDue - 1000;
    while (arrivals.size < count && Date.now() < giveUp) {
      for (const p of await fake.pages()) {
        // A DM of several pages has a line for each ticket: "#12 Enterprise P1 …".
        for (const [, n] of p.text.matchAll(/(?:^|: )#(\d+) /gm)) {
          const id = Number(n);
          if (due.has(id) && !arrivals.has(id)) arrivals.set(id, p.at);
        }
      }
      progress(0.3 + (0.7 * arrivals.size) / count);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await bot?.stop();
    await fake.stop();
    await db.drop();
  }
  const late = [...arrivals].map(([id, at]) => at - due.get(id)!).sort((a, b) => a - b);
  return {
    deadlines: count,
    windowMs,
    delivered: late.length,
    p50Ms: percentile(late, 50),
    p99Ms: percentile(late, 99),
    maxMs: late.at(-1) ?? Number.NaN,
    seededLate,
  };
});
