/**
 * Figure 5 (growth part): RSS of `tierdesk start` after 100k and after 1M inbound Slack events
 * (the stream is described in lib/events.ts: mostly cheap events the handler must still take in,
 * plus Slack retries and redeliveries of messages that opened tickets). RSS is read from /proc
 * after each mark once the bot has been idle for a moment, so in-flight work is not counted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createBenchDatabase } from './lib/database.js';
import { cheapTraffic } from './lib/events.js';
import { figure } from './lib/figure.js';
import { postSigned, resets, startBot, startFakeSlack } from './lib/slack.js';

const CONCURRENCY = 32;
const MB = 1024 * 1024;

figure(async (opts, progress) => {
  const first = opts.smoke ? 200 : opts.quick ? 1_000 : 100_000;
  const total = opts.smoke ? 600 : opts.quick ? 5_000 : 1_000_000;
  const db = await createBenchDatabase(opts.databaseUrl, 'memory');
  const fake = await startFakeSlack();
  const bot = await startBot(db, fake.url).catch(async (err) => {
    await fake.stop();
    await db.drop();
    throw err;
  });
  try {
    const next = cheapTraffic(50);
    const rssAtStart = bot.rss();
    let sent = 0;
    let peak = rssAtStart;
    const send = async (upTo: number) => {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (sent < upTo) {
            const e = next(sent++);
            const status = await postSigned(bot.endpoint, e.body, e.headers);
            if (status !== 200) throw new Error(`endpoint answered ${status}`);
            if (sent % 1000 === 0) {
              peak = Math.max(peak, bot.rss());
              if (sent % 10_000 === 0) progress(sent / total);
            }
          }
        }),
      );
      await sleep(opts.quick ? 300 : 1500);
      return bot.rss();
    };
    const started = performance.now();
    const rssAtFirst = await send(first);
    const rssAtTotal = await send(total);
    const seconds = (performance.now() - started) / 1000;
    return {
      events: total,
      eventsPerSecond: total / seconds,
      rssAtStartMb: rssAtStart / MB,
      rssAtFirstMb: rssAtFirst / MB,
      rssAtTotalMb: rssAtTotal / MB,
      peakRssMb: Math.max(peak, rssAtFirst, rssAtTotal) / MB,
      growthRatio: rssAtTotal / rssAtFirst,
      connectionResets: resets.count,
      first,
    };
  } finally {
    await bot.stop();
    await fake.stop();
    await db.drop();
  }
});
