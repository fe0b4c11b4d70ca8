/**
 * Ping lateness: N first-response deadlines fall within a window; each breach pages the on-call
 * engineer. Measures, for every page, the time from its deadline to its arrival at a fake Slack
 * Web API — through the real scheduler, SLA tick, escalation tick, outbox worker and Slack adapter.
 *
 *   npx tsx bench/ping-lateness.ts [--count 2000] [--window-ms 10000] [--database-url postgres://…]
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createSlackAdapter } from '../src/adapters/slack/slack-adapter.js';
import type { AppDeps } from '../src/app/deps.js';
import { importDirectory, syncPolicyRotations } from '../src/app/import-directory.js';
import { openTicket } from '../src/app/open-ticket.js';
import { MIGRATIONS_DIR } from '../src/config/env.js';
import { loadImport } from '../src/config/import-file.js';
import { OutboxWorker } from '../src/jobs/outbox-worker.js';
import { Scheduler } from '../src/jobs/scheduler.js';
import * as slaTick from '../src/jobs/sla-tick.js';
import { createLogger } from '../src/logger.js';
import { systemClock } from '../src/ports/clock.js';
import { silentLogger } from '../src/ports/logger.js';
import { openDatabase } from '../src/store/db.js';
import { DrizzleStore } from '../src/store/store.js';
import { FakeClock } from '../test/fakes/clock.js';
import { EXAMPLE_DIRECTORY, examplePolicy } from '../test/support/app.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    'window-ms': { type: 'string', default: '10000' },
    'database-url': { type: 'string' },
  },
});
const COUNT = Number(values.count);
const WINDOW = Number(values['window-ms']);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  let url = values['database-url'];
  let admin: postgres.Sql | undefined;
  const dbName = `tierdesk_bench_${process.pid}`;
  if (url) {
    admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`);
    const u = new URL(url);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const database = await openDatabase({ url, dataDir: 'memory://', poolSize: 10 });
  await database.migrate(MIGRATIONS_DIR);
  const policy = examplePolicy();
  const seedClock = new FakeClock(Date.now());
  const seedDeps: AppDeps = {
    store: new DrizzleStore(database.db),
    clock: seedClock,
    policy,
    logger: silentLogger,
  };
  const dir = loadImport(EXAMPLE_DIRECTORY, policy);
  if (!dir.ok) throw new Error('directory');
  await importDirectory(seedDeps, dir.value);
  await syncPolicyRotations(seedDeps);

  const seedStart = Date.now();
  const estimate = COUNT * 25 + 10_000; // seeding time, so the first deadline falls after the bot runs
  const firstDue = seedStart + estimate;
  const due = new Map<number, number>();
  for (let i = 0; i < COUNT; i++) {
    const d = firstDue + Math.floor((i * WINDOW) / COUNT);
    seedClock.set(d - 15 * 60_000);
    const r = await openTicket(seedDeps, {
      platform: 'slack',
      channelId: 'C0NORTHWND',
      messageId: `C0NORTHWND:bench-${i}`,
      threadRef: `1772463600.${String(i).padStart(6, '0')}`,
      author: { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND', external: true },
      text: `Production down: outage ${i}`,
      trigger: 'message',
    });
    if (!r.ok || r.value.status !== 'opened') throw new Error('seed');
    due.set(r.value.ticket.id, r.value.ticket.sla.clocks.first_response!.dueAt!);
  }
  // As in production, the earlier warnings (50%, 75%) went out minutes ago: emit them now and mark
  // their messages delivered, so the measured burst is the deadlines alone.
  seedClock.set(Date.now());
  await slaTick.run(seedDeps, seedClock.now());
  const { sql: rawSql } = await import('drizzle-orm');
  await database.db.execute(rawSql.raw("update outbox set status = 'sent', sent_at = now()"));
  if (Date.now() > firstDue - 1000)
    console.warn('seeding took longer than planned; the first deadlines are already past');

  const fake = fork(new URL('./fake-slack-process.ts', import.meta.url).pathname, {
    execArgv: ['--import', 'tsx'],
  });
  const fakeUrl = await new Promise<string>((r) => fake.once('message', (m: { url: string }) => r(m.url)));
  const pages = () =>
    new Promise<Array<{ key: string; text: string; at: number }>>((r) => {
      fake.once('message', (m: { pages: Array<{ key: string; text: string; at: number }> }) => r(m.pages));
      fake.send({ type: 'pages' });
    });
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const deps: AppDeps = {
    store: new DrizzleStore(database.db),
    clock: systemClock,
    policy,
    logger,
    platforms: ['slack'],
  };
  let worker: OutboxWorker | null = null;
  const adapter = await createSlackAdapter(
    {
      mode: 'http',
      botToken: 'xoxb-bench',
      signingSecret: '0123456789abcdef0123456789abcdef',
      appToken: null,
      apiUrl: fakeUrl,
      channelRate: 1e6,
    },
    { deps, logger: silentLogger, wake: () => worker?.wake() },
  );
  worker = new OutboxWorker(deps, new Map([['slack', adapter.delivery]]));
  const scheduler = new Scheduler(deps, [], () => worker?.wake());
  worker.start();
  scheduler.start();

  const arrivals = new Map<number, number>();
  const deadline = firstDue + WINDOW + 120_000;
  while (arrivals.size < COUNT && Date.now() < deadline) {
    for (const p of await pages()) {
      const id = Number(/#(\d+) /.exec(p.text)?.[1]);
      if (!arrivals.has(id)) arrivals.set(id, p.at);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await scheduler.stop();
  await worker.stop();
  const { sql } = await import('drizzle-orm');
  const raw = await database.db.execute(
    sql.raw(
      "select ticket_id, extract(epoch from created_at)*1000 as c, extract(epoch from sent_at)*1000 as s from outbox where idempotency_key like 'esc:%:dm:%'",
    ),
  );
  const rowsOf = (Array.isArray(raw) ? raw : (raw as unknown as { rows: unknown[] }).rows) as Array<{
    ticket_id: number;
    c: string;
    s: string;
  }>;
  const enq = rowsOf.map((r) => Number(r.c) - due.get(Number(r.ticket_id))!).sort((a, b) => a - b);
  const send = rowsOf.map((r) => Number(r.s) - Number(r.c)).sort((a, b) => a - b);
  console.error(
    JSON.stringify({
      enqueueLateP50: pct(enq, 50),
      enqueueLateP99: pct(enq, 99),
      sendP50: pct(send, 50),
      sendP99: pct(send, 99),
    }),
  );
  fake.send({ type: 'stop' });
  await database.close();
  if (admin) {
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
  const late = [...arrivals].map(([id, at]) => at - due.get(id)!).sort((a, b) => a - b);
  const result = {
    database: url ? 'postgres' : 'pglite',
    deadlines: COUNT,
    windowMs: WINDOW,
    delivered: late.length,
    p50Ms: pct(late, 50),
    p99Ms: pct(late, 99),
    maxMs: late.at(-1),
  };
  console.log(JSON.stringify(result));
  process.exit(late.length === COUNT ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
