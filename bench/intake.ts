/**
 * Figure 1, intake throughput (and figure 5's peak RSS): customer messages → triaged, routed
 * tickets with their card queued in the outbox, 16 in flight, through the real Slack adapter: a
 * signed event_callback POSTed to Bolt's HTTPReceiver on the bot's HTTP server, Bolt's middleware,
 * the adapter's message handler and the openTicket use case, on the driver and pool `tierdesk start`
 * uses. A ticket counts when the adapter signals it opened (its transaction committed).
 *
 * Ceiling: one-row INSERT … ON CONFLICT DO NOTHING into an indexed table, same driver, same pool,
 * same concurrency.
 *
 * Reference: the delivery alone. The same customer, channel and path, with small talk ("thanks!")
 * that the handler reads and lets go, so nothing is opened; a message counts when the adapter is
 * done handling it. It is the most any ticket pipeline behind this path could reach here.
 */
import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { startIngress } from '../src/adapters/slack/ingress/ingress-link.js';
import { createSlackAdapter } from '../src/adapters/slack/slack-adapter.js';
import { inParallel } from '../src/app/delivery/deliver-outbox.js';
import { PACKAGE_ROOT } from '../src/config/env.js';
import { createHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/ports/logger.js';
import type { LoadRequest } from './intake-load-process.js';
import { appDeps, createBenchDatabase, DEFAULT_POOL, rows } from './lib/database.js';
import { figure } from './lib/figure.js';
import { SIGNING_SECRET, startFakeSlack } from './lib/slack.js';

export const CONCURRENCY = 16;

const TEXTS = [
  'Production down: the payments api returns 502 for every order',
  'SSO login fails for all our users since this morning',
  'How do I export last month’s invoices as CSV?',
  'Shipment webhooks arrive twice, our ledger sync double-books them',
  'Dashboard is slow, reports take a minute to load',
];

/** Small talk (see src/app/intake/small-talk.ts): delivered and handled, never a ticket. */
const SMALL_TALK = ['thanks!', 'hi team', 'got it', 'cheers', 'thank you so much!'];

/** Runs `count` operations with at most `concurrency` in flight; resolves with ops per second. */
async function closedLoop(count: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  const started = performance.now();
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    op,
  );
  return count / ((performance.now() - started) / 1000);
}

type LoadMessage =
  | { type: 'ready' }
  | { type: 'progress'; fraction: number }
  | { type: 'done'; perSecond: number }
  | { type: 'failed'; error: string };

/**
 * The customers (bench/intake-load-process.ts), in a process of their own. `opened()` forwards one
 * "ticket opened" signal; signals of the same turn of the event loop go out as one message.
 */
async function startLoad() {
  const child = fork(resolve(PACKAGE_ROOT, 'bench/intake-load-process.ts'), {
    execArgv: ['--import', 'tsx'],
  });
  const listeners = new Set<(m: LoadMessage) => void>();
  child.on('message', (m: LoadMessage) => {
    for (const l of listeners) l(m);
  });
  const exited = new Promise<never>((_, fail) =>
    child.once('exit', (code) => fail(new Error(`intake load process exited (${code})`))),
  );
  exited.catch(() => {});
  await Promise.race([
    exited,
    new Promise<void>((r) => {
      const l = (m: LoadMessage) => {
        if (m.type === 'ready') {
          listeners.delete(l);
          r();
        }
      };
      listeners.add(l);
    }),
  ]);
  let pending = 0;
  return {
    opened() {
      if (pending++ === 0)
        setImmediate(() => {
          child.send({ type: 'opened', n: pending });
          pending = 0;
        });
    },
    /**
     * Sends `count` messages, `first` on, with CONCURRENCY in flight; resolves with messages per
     * second. Questions by default; `smallTalk` for the delivery reference.
     */
    run(
      endpoint: URL,
      first: number,
      count: number,
      onProgress: (f: number) => void,
      smallTalk = false,
    ): Promise<number> {
      const request: LoadRequest = {
        type: 'run',
        endpoint: endpoint.toString(),
        count,
        concurrency: CONCURRENCY,
        first,
        texts: smallTalk ? SMALL_TALK : TEXTS,
        numbered: !smallTalk,
      };
      return Promise.race([
        exited,
        new Promise<number>((ok, fail) => {
          const l = (m: LoadMessage) => {
            if (m.type === 'progress') onProgress(m.fraction);
            if (m.type === 'failed' || m.type === 'done') listeners.delete(l);
            if (m.type === 'failed') fail(new Error(m.error));
            if (m.type === 'done') ok(m.perSecond);
          };
          listeners.add(l);
          child.send(request);
        }),
      ]);
    },
    stop: () => child.kill(),
  };
}

figure(async (opts, progress) => {
  const count = opts.smoke ? 20 : opts.quick ? 100 : 20_000;
  const warmup = opts.smoke ? 5 : opts.quick ? 30 : 500;
  const deliveries = count / 2;
  let countHandled = false;
  const db = await createBenchDatabase(opts.databaseUrl, 'intake');
  const database = await db.open(DEFAULT_POOL);
  const fake = await startFakeSlack();
  let load: Awaited<ReturnType<typeof startLoad>> | undefined;
  try {
    await database.db.execute(
      sql`create table bench_ceiling (id bigint generated always as identity primary key, k text not null, v text not null, at timestamptz not null default now())`,
    );
    await database.db.execute(sql`create unique index bench_ceiling_k on bench_ceiling (k)`);
    const insert = (i: number) =>
      database.db.execute(
        sql`insert into bench_ceiling (k, v) values (${`key-${i}`}, ${TEXTS[Math.abs(i) % TEXTS.length]!}) on conflict do nothing`,
      );
    await closedLoop(warmup, CONCURRENCY, (i) => insert(-1 - i));
    const ceilingPerSecond = await closedLoop(count, CONCURRENCY, insert);
    progress(0.3);

    load = await startLoad();
    const deps = appDeps(database, db.policy, { now: () => Date.now() });
    const adapter = await createSlackAdapter(
      {
        mode: 'http',
        botToken: 'xoxb-bench',
        signingSecret: SIGNING_SECRET,
        appToken: null,
        apiUrl: fake.url,
        channelRate: 1e6,
      },
      { deps, logger: silentLogger, wake: () => load?.opened() },
    );
    const http = createHttpServer(silentLogger);
    adapter.mount(http);
    // As `tierdesk start` runs it: the ingress thread answers Slack and hands events to the adapter.
    const ingress = await startIngress({
      config: {
        port: 0,
        host: '127.0.0.1',
        signingSecret: SIGNING_SECRET,
        journalPath: join(tmpdir(), `tierdesk-bench-intake-${process.pid}.journal`),
        upstream: { host: '127.0.0.1', port: await http.listen(0, '127.0.0.1') },
        logLevel: 'silent',
      },
      // During the delivery reference a message is done once the adapter has handled it.
      record: (e, settled) =>
        adapter.inbox!.record(e, () => {
          settled();
          if (countHandled) load?.opened();
        }),
      logger: silentLogger,
    });
    await adapter.start();
    const endpoint = new URL(`http://127.0.0.1:${ingress.port}/slack/events`);
    await load.run(endpoint, count, warmup, () => {});
    countHandled = true;
    const deliveryPerSecond = await load.run(endpoint, 0, deliveries, (f) => progress(0.3 + 0.2 * f), true);
    countHandled = false;
    const perSecond = await load.run(endpoint, 0, count, (f) => progress(0.5 + 0.5 * f));
    const peakRssMb = process.resourceUsage().maxRSS / 1024; // the ingress thread included
    await ingress.stop();
    await adapter.stop();
    await http.close();

    const [made] = await rows<{ tickets: string; cards: string }>(
      database,
      "select (select count(*) from tickets) as tickets, (select count(*) from outbox where idempotency_key like 'ticket:%:card:%') as cards",
    );
    if (Number(made!.tickets) !== count + warmup || Number(made!.cards) !== count + warmup)
      throw new Error(`expected ${count + warmup} tickets and cards, found ${JSON.stringify(made)}`);
    return {
      count,
      concurrency: CONCURRENCY,
      perSecond,
      ceilingPerSecond,
      deliveries,
      deliveryPerSecond,
      peakRssMb,
    };
  } finally {
    load?.stop();
    await database.close();
    await fake.stop();
    await db.drop();
  }
});
