/**
 * Figure 2, sweep scaling: the SLA tick when nothing is due, at 10k and at 1M open tickets. One
 * tick is what the scheduler does each time it wakes: the SLA batch, the escalation batch (each a
 * transaction that finds nothing due) and the query for the next due instant that arms its timer.
 * The open tickets are copies of a ticket opened through openTicket, with their next SLA check
 * spread over the following days; the reported time is the median of many ticks.
 */
import { sql } from 'drizzle-orm';
import { openTicket } from '../src/app/intake/open-ticket.js';
import * as slaTick from '../src/jobs/sla-tick.js';
import type { Database } from '../src/store/db.js';
import { appDeps, createBenchDatabase, DEFAULT_POOL } from './lib/database.js';
import { figure } from './lib/figure.js';
import { percentile } from './lib/report.js';
import { CUSTOMER, CUSTOMER_CHANNEL, CUSTOMER_TEAM } from './lib/slack.js';

/** Copies the template ticket (id 1) until there are `total` tickets, in chunks. */
async function growTo(database: Database, from: number, total: number, onChunk: (n: number) => void) {
  const chunk = 100_000;
  for (let lo = from + 1; lo <= total; lo += chunk) {
    const hi = Math.min(total, lo + chunk - 1);
    await database.db.execute(sql`
      insert into tickets (organization_id, requester_id, tier, priority, domain, status, queue, subject,
        description, origin_platform, origin_channel_id, origin_message_id, origin_thread_ref, card_platform,
        card_channel_id, triage_reasons, route_reasons, candidates, policy_snapshot, sla, sla_next_check_at,
        created_at, updated_at)
      select organization_id, requester_id, tier, priority, domain, status, queue, subject, description,
        origin_platform, origin_channel_id, 'bench-' || g, '1772000000.' || g, card_platform, card_channel_id,
        triage_reasons, route_reasons, candidates, policy_snapshot, sla,
        now() + interval '1 day' + g * interval '1 second', created_at, updated_at
      from tickets, generate_series(${lo}::int, ${hi}::int) g where tickets.id = 1`);
    onChunk(hi);
  }
  // As autovacuum leaves a table that grew over months: statistics current, visibility map set.
  await database.db.execute(sql`vacuum analyze tickets`);
}

/** Median wall time of one scheduler tick with nothing due (ms). */
async function tickMs(deps: ReturnType<typeof appDeps>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + 20; i++) {
    const started = performance.now();
    const now = Date.now();
    const done = await slaTick.run(deps, now);
    await slaTick.nextDueAt(deps);
    if (done.tickets + done.escalations > 0) throw new Error('something was due');
    if (i >= 20) times.push(performance.now() - started);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

figure(async (opts, progress) => {
  const small = opts.smoke ? 50 : opts.quick ? 500 : 10_000;
  const large = opts.smoke ? 200 : opts.quick ? 5_000 : 1_000_000;
  const runs = opts.smoke ? 3 : opts.quick ? 20 : 300;
  const db = await createBenchDatabase(opts.databaseUrl, 'sweep');
  const database = await db.open(DEFAULT_POOL);
  try {
    const deps = appDeps(database, db.policy, { now: () => Date.now() });
    const r = await openTicket(deps, {
      platform: 'slack',
      channelId: CUSTOMER_CHANNEL,
      messageId: `${CUSTOMER_CHANNEL}:template`,
      threadRef: '1772000000.000000',
      author: { externalId: CUSTOMER, displayName: 'Inés', workspaceId: CUSTOMER_TEAM, external: true },
      text: 'Production down: the payments api returns 502 for every order',
      trigger: 'message',
    });
    if (!r.ok || r.value.status !== 'opened' || r.value.ticket.id !== 1) throw new Error('template ticket');
    await database.db.execute(
      sql`update tickets set sla_next_check_at = now() + interval '1 day' where id = 1`,
    );
    await growTo(database, 1, small, () => {});
    progress(0.05);
    const msAtSmall = await tickMs(deps, runs);
    progress(0.1);
    await growTo(database, small, large, (n) => progress(0.1 + (0.8 * n) / large));
    const msAtLarge = await tickMs(deps, runs);
    return { small, large, msAtSmall, msAtLarge, runs };
  } finally {
    await database.close();
    await db.drop();
  }
});
