/**
 * Figure 7, replies in a burst: customers write 500 new questions over 5 linked channels at 50 a
 * second, as signed Slack events to `tierdesk start` (its ingress thread, the bot, its outbox
 * worker) with Slack's pace of one post a second per channel (`SLACK_CHANNEL_RATE=1`, the default).
 * Measures, for every message, the time from sending it to the arrival of its "ticket opened"
 * thread reply at a fake Slack Web API in a process of its own.
 *
 * Reference: the pacing floor, the messages of the busiest channel ÷ SLACK_CHANNEL_RATE: the last
 * reply of a channel cannot come sooner than that (bar Slack's burst of four). Each channel's
 * replies wait only for that channel's pace when channels drain side by side; when they take turns
 * (or wait behind the queue channels' cards), replies come a multiple of it later.
 */
import { sql } from 'drizzle-orm';
import { createBenchDatabase } from './lib/database.js';
import { figure } from './lib/figure.js';
import { percentile } from './lib/report.js';
import { customerMessage, postSigned, startBot, startFakeSlack } from './lib/slack.js';

/** Five linked channels of three organizations, each with its customer (policy/example-directory.yaml). */
const CHANNELS = [
  { channel: 'C0NORTHWND', user: 'U0INESNW01', team: 'T0NORTHWND', org: 'Northwind Bank' },
  { channel: 'C0GLOBEX01', user: 'U0KOFIGX01', team: 'T0GLOBEX01', org: 'Globex Logistics' },
  { channel: 'C0INITECH1', user: 'U0MIAINT01', team: 'T0INITECH1', org: 'Initech Studio' },
  { channel: 'C0NORTHWN2', user: 'U0INESNW01', team: 'T0NORTHWND', org: 'Northwind Bank' },
  { channel: 'C0GLOBEX02', user: 'U0KOFIGX01', team: 'T0GLOBEX01', org: 'Globex Logistics' },
];

const TEXTS = [
  'Production down: the payments api returns 502 for every order',
  'SSO login fails for all our users since this morning',
  'How do I export last month’s invoices as CSV?',
  'Shipment webhooks arrive twice, our ledger sync double-books them',
  'Dashboard is slow, reports take a minute to load',
];

/** Sends `count` questions at `perSecond` (open loop), round robin over the channels; resolves with when each was sent. */
async function burst(endpoint: URL, count: number, perSecond: number): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / perSecond - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const from = CHANNELS[i % CHANNELS.length]!;
    const m = customerMessage(`${TEXTS[i % TEXTS.length]} (${i})`, undefined, from);
    sentAt.set(`${from.channel}:${m.ts}`, Date.now());
    pending.push(
      postSigned(endpoint, m.body).then((status) => {
        if (status !== 200) throw new Error(`endpoint answered ${status}`);
      }),
    );
  }
  await Promise.all(pending);
  return sentAt;
}

figure(async (opts, progress) => {
  const count = opts.quick ? 50 : 500;
  const perSecond = 50;
  // --quick: ten posts a second per channel, so that the figure takes seconds.
  const channelRate = opts.quick ? 10 : 1;
  const db = await createBenchDatabase(opts.databaseUrl, 'burst');
  const database = await db.open(2);
  for (const c of CHANNELS)
    await database.db.execute(
      sql`insert into channel_links (platform, channel_id, organization_id) select 'slack', ${c.channel}, id from organizations where name = ${c.org} on conflict do nothing`,
    );
  await database.close();

  const fake = await startFakeSlack();
  let bot: Awaited<ReturnType<typeof startBot>> | null = null;
  const arrivals = new Map<string, number>();
  try {
    bot = await startBot(db, fake.url, { SLACK_CHANNEL_RATE: String(channelRate) });
    const sending = burst(bot.endpoint, count, perSecond);
    const floorMs = (Math.ceil(count / CHANNELS.length) / channelRate) * 1000;
    const giveUp = Date.now() + (count / perSecond) * 1000 + 3 * floorMs + 30_000;
    while (arrivals.size < count && Date.now() < giveUp) {
      await new Promise((r) => setTimeout(r, 250));
      for (const r of await fake.replies()) {
        const key = `${r.channel}:${r.threadTs}`;
        if (!arrivals.has(key)) arrivals.set(key, r.at);
      }
      progress(arrivals.size / count);
    }
    const sentAt = await sending;
    const waits = [...arrivals]
      .filter(([key]) => sentAt.has(key))
      .map(([key, at]) => at - sentAt.get(key)!)
      .sort((a, b) => a - b);
    return {
      messages: count,
      channels: CHANNELS.length,
      perSecond,
      channelRate,
      floorMs,
      replied: waits.length,
      p50Ms: percentile(waits, 50),
      p99Ms: percentile(waits, 99),
      maxMs: waits.at(-1) ?? Number.NaN,
    };
  } finally {
    await bot?.stop();
    await fake.stop();
    await db.drop();
  }
});
