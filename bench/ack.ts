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

figure(async (opts, progress) => {
  const seconds = opts.quick ? 1 : 30;
  const warmup = opts.quick ? RATE / 3 : RATE; // discarded
  const count = seconds * RATE;
  const bare = await startBare();
  let bareMs: number[];
  try {
    await steadyLoad(bare.endpoint, warmup, () => {});
    bareMs = await steadyLoad(bare.endpoint, count, (f) => progress(0.4 * f));
  } finally {
    bare.stop();
  }
  const db = await createBenchDatabase(opts.databaseUrl, 'ack');
  const fake = await startFakeSlack();
  const bot = await startBot(db, fake.url).catch(async (err) => {
    await fake.stop();
    await db.drop();
    throw err;
  });
  let botMs: number[];
  try {
    await steadyLoad(bot.endpoint, warmup, () => {});
    botMs = await steadyLoad(bot.endpoint, count, (f) => progress(0.45 + 0.55 * f));
  } finally {
    await bot.stop();
    await fake.stop();
    await db.drop();
  }
  return {
    rate: RATE,
    events: count,
    p50Ms: percentile(botMs, 50),
    p99Ms: percentile(botMs, 99),
    bareP50Ms: percentile(bareMs, 50),
    bareP99Ms: percentile(bareMs, 99),
  };
});
