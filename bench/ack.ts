/**
 * Figure 4, Slack ack latency: signed events at a steady 300/s to `tierdesk start`'s HTTP endpoint
 * (the bot does the work the events ask for meanwhile: tickets open, cards and replies go out to a
 * fake Slack in a process of its own); p50/p99 from sending each request to its HTTP answer.
 * Ceiling: the same stream to a bare Bolt app with the same receiver that acknowledges and does
 * nothing. The load generator runs in this process, apart from both.
 */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/config/env.js';
import { createBenchDatabase } from './lib/database.js';
import { supportTraffic } from './lib/events.js';
import { figure } from './lib/figure.js';
import { percentile } from './lib/report.js';
import { postSigned, startBot, startFakeSlack } from './lib/slack.js';

export const RATE = 300;

/** Sends `count` events at RATE per second (open loop); resolves with each answer's latency (ms). */
async function steadyLoad(endpoint: URL, count: number, onProgress: (f: number) => void): Promise<number[]> {
  const next = supportTraffic();
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const e = next(i);
    const sent = performance.now();
    pending.push(
      postSigned(endpoint, e.body, e.headers).then((status) => {
        if (status !== 200) throw new Error(`endpoint answered ${status}`);
        latencies.push(performance.now() - sent);
      }),
    );
    if (i % RATE === 0) onProgress(i / count);
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

async function startBare(): Promise<{ endpoint: URL; stop(): void }> {
  const child = fork(resolve(PACKAGE_ROOT, 'bench/bare-bolt-process.ts'), {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((r) => child.once('message', (m: { port: number }) => r(m.port)));
  return { endpoint: new URL(`http://127.0.0.1:${port}/slack/events`), stop: () => child.kill() };
}

/** The middle value of the rounds. */
const median = (values: number[]) =>
  percentile(
    [...values].sort((x, y) => x - y),
    50,
  );

/**
 * Rounds alternate between the bare app and the bot (bare, bot, bare, bot, …), both up for the
 * whole figure, and the figure is the median of the rounds: on a shared 2-core VM the bare app's
 * p99 alone moved from 2 ms to 15 ms between runs minutes apart, so one pair of back-to-back runs
 * compared the machine's moods more than the two apps. After each round of the bot the bench waits
 * for its work to drain, so the next bare round does not run beside the bot's leftovers.
 */
figure(async (opts, progress) => {
  const seconds = opts.smoke ? 0.2 : opts.quick ? 1 : 30;
  const rounds = opts.quick ? 1 : 3;
  const warmup = opts.smoke ? 10 : opts.quick ? RATE / 3 : RATE; // discarded, before each round
  const count = seconds * RATE;
  const bare = await startBare();
  const db = await createBenchDatabase(opts.databaseUrl, 'ack');
  const fake = await startFakeSlack();
  const bot = await startBot(db, fake.url).catch(async (err) => {
    bare.stop();
    await fake.stop();
    await db.drop();
    throw err;
  });
  const results: Array<{ p50Ms: number; p99Ms: number; bareP50Ms: number; bareP99Ms: number }> = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const share = (part: number) => (f: number) => progress((2 * r + part + f) / (2 * rounds));
      await steadyLoad(bare.endpoint, warmup, () => {});
      const bareMs = await steadyLoad(bare.endpoint, count, share(0));
      await steadyLoad(bot.endpoint, warmup, () => {});
      const botMs = await steadyLoad(bot.endpoint, count, share(1));
      await bot.idle();
      results.push({
        p50Ms: percentile(botMs, 50),
        p99Ms: percentile(botMs, 99),
        bareP50Ms: percentile(bareMs, 50),
        bareP99Ms: percentile(bareMs, 99),
      });
    }
  } finally {
    bare.stop();
    await bot.stop();
    await fake.stop();
    await db.drop();
  }
  return {
    rate: RATE,
    events: count,
    rounds: results.length,
    p50Ms: median(results.map((x) => x.p50Ms)),
    p99Ms: median(results.map((x) => x.p99Ms)),
    bareP50Ms: median(results.map((x) => x.bareP50Ms)),
    bareP99Ms: median(results.map((x) => x.bareP99Ms)),
    perRound: results,
  };
});
