import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { importDirectory, syncPolicyRotations } from '../../src/app/directory/import-directory.js';
import { openTicket } from '../../src/app/intake/open-ticket.js';
import { MIGRATIONS_DIR, PACKAGE_ROOT } from '../../src/config/env.js';
import { loadImport } from '../../src/config/import-file.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { openDatabase } from '../../src/store/db.js';
import { rowsOf } from '../../src/store/sql.js';
import { DrizzleStore } from '../../src/store/store.js';
import { FakeClock } from '../fakes/clock.js';
import { FakeSlack, type SlackCall } from '../fakes/slack/fake-slack.js';
import { EXAMPLE_DIRECTORY, examplePolicy } from './app.js';
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from './database.js';
import { eventually, PROCESS_DEADLINE_MS } from './eventually.js';

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');

export interface BotProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** The environment of `tierdesk start` (and of the commands beside it) wired to a fake Slack and a database. */
export function botProcessEnv(opts: { fake: FakeSlack; dataDir: string; databaseUrl?: string | undefined }) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    TIERDESK_DATA_DIR: opts.dataDir,
    SLACK_BOT_TOKEN: 'xoxb-durability',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    SLACK_API_URL: opts.fake.url,
    SLACK_CHANNEL_RATE: '1000',
  };
  delete env.DATABASE_URL;
  delete env.SLACK_APP_TOKEN;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  return env;
}

/** `tierdesk start` as a separate process, wired to a fake Slack and a database. */
export async function startBotProcess(opts: {
  fake: FakeSlack;
  dataDir: string;
  databaseUrl?: string | undefined;
  /** More settings, over the defaults above (e.g. `SLACK_INGRESS`). */
  env?: NodeJS.ProcessEnv;
}): Promise<BotProcess> {
  const env = { ...botProcessEnv(opts), ...opts.env };
  const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await eventually(
    () => {
      if (child.exitCode !== null) throw new Error(`bot exited early:\n${out}`);
      if (!out.includes('tierdesk ready')) throw new Error(`not ready:\n${out}`);
    },
    PROCESS_DEADLINE_MS,
    50,
  );
  return { child, output: () => out, exited };
}

/** SIGTERM, as a deploy stops it: the bot finishes the deliveries in flight and exits 0. */
export async function stopBotProcess(bot: BotProcess): Promise<number | null> {
  bot.child.kill('SIGTERM');
  return bot.exited;
}

/**
 * The page DMs' outbox rows (once the bots using the database have stopped): what the outbox still
 * holds of them. A row still pending and not in doubt would be posted again by the next bot.
 */
export async function pageOutboxRows(opts: { dataDir: string; databaseUrl?: string | undefined }) {
  const database = await openDatabase({ url: opts.databaseUrl, dataDir: opts.dataDir, poolSize: 1 });
  try {
    const result = await database.db.execute(
      sql`select idempotency_key as key, status, in_doubt from outbox
        where idempotency_key ~ '^(esc|pages):' and idempotency_key like '%:dm:%' order by id`,
    );
    return rowsOf<{ key: string; status: string; in_doubt: boolean }>(result);
  } finally {
    await database.close();
  }
}

/**
 * Seeds the example directory and `count` Enterprise P1 tickets whose first response falls due
 * over the next `spreadMs` (opened 15 minutes earlier), so a starting bot pages a burst at once.
 */
export async function seedDueTickets(opts: {
  dataDir: string;
  databaseUrl?: string | undefined;
  count: number;
  spreadMs: number;
}) {
  const database = await openDatabase({ url: opts.databaseUrl, dataDir: opts.dataDir, poolSize: 4 });
  try {
    await database.migrate(MIGRATIONS_DIR);
    const policy = examplePolicy();
    const clock = new FakeClock(Date.now());
    const deps: AppDeps = {
      store: new DrizzleStore(database.db),
      clock,
      policy,
      logger: silentLogger,
      metrics: noopMetrics,
    };
    const data = loadImport(EXAMPLE_DIRECTORY, policy);
    if (!data.ok) throw new Error('directory');
    await importDirectory(deps, data.value);
    await syncPolicyRotations(deps);
    const dueFrom = Date.now() + 1000;
    for (let i = 0; i < opts.count; i++) {
      clock.set(dueFrom + Math.floor((i * opts.spreadMs) / opts.count) - 15 * 60_000);
      const r = await openTicket(deps, {
        platform: 'slack',
        channelId: 'C0NORTHWND',
        messageId: `C0NORTHWND:burst-${i}`,
        threadRef: `1772463600.${String(i).padStart(6, '0')}`,
        author: { externalId: 'U0INESNW01', displayName: 'Inés', workspaceId: 'T0NORTHWND', external: true },
        text: `Production down: outage number ${i}`,
        trigger: 'message',
      });
      if (!r.ok || r.value.status !== 'opened') throw new Error('seed failed');
    }
  } finally {
    await database.close();
  }
}

/** A page alone (`esc:12:l0:a1:dm:jun`) or several in one DM (`pages:12:l0:a1,13:l0:a1:dm:jun`). */
const PAGE_KEY = /^(esc:\d+:l\d+:a\d+|pages:\d+:l\d+:a\d+(,\d+:l\d+:a\d+)+):dm:/;

/** Outbox keys of the page DMs that reached the fake Slack, from the message metadata. */
export function deliveredPageMessages(fake: FakeSlack): string[] {
  return fake
    .posted()
    .map((p) => String((p.message.metadata?.event_payload as { key?: string } | undefined)?.key ?? ''))
    .filter((k) => PAGE_KEY.test(k));
}

/** The pages that reached the fake Slack, one key per ticket's page (`esc:12:l0:a1:dm:jun`), however they were grouped. */
export function deliveredPageKeys(fake: FakeSlack): string[] {
  return deliveredPageMessages(fake).flatMap((k) => {
    if (k.startsWith('esc:')) return [k];
    const dm = k.indexOf(':dm:');
    const person = k.slice(dm + ':dm:'.length);
    return k
      .slice('pages:'.length, dm)
      .split(',')
      .map((step) => `esc:${step}:dm:${person}`);
  });
}

/** Whether a Web API call posts a page (a DM carrying an escalation outbox key). */
export function isPageCall(call: SlackCall): boolean {
  if (call.method !== 'chat.postMessage') return false;
  const raw = call.args.metadata;
  try {
    const meta = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { event_payload?: { key?: unknown } };
    return PAGE_KEY.test(String(meta?.event_payload?.key ?? ''));
  } catch {
    return false;
  }
}

export interface BotProcessFixture {
  fake: FakeSlack;
  dataDir: string;
  /** On PostgreSQL runs, the test's own database; undefined on PGlite. */
  db: TestDatabase | undefined;
  /** Bots the test started; killed after it. */
  bots: BotProcess[];
}

/**
 * For tests that run `tierdesk start`: a fresh fake Slack, data folder and (on PostgreSQL) database
 * for each test, all removed after it, with every bot it started killed.
 */
export function botProcessFixture(): BotProcessFixture {
  const f = { bots: [] as BotProcess[] } as BotProcessFixture;
  beforeEach(async () => {
    f.fake = await FakeSlack.start({ teamId: 'T0VENDOR01', botUserId: 'U0TIERDESK', botId: 'B0TIERDESK' });
    f.dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bot-'));
    f.db = TEST_DB_KIND === 'postgres' ? await createTestDatabase() : undefined;
  });
  afterEach(async () => {
    for (const b of f.bots.splice(0)) b.child.kill('SIGKILL');
    await f.fake.close();
    await f.db?.drop();
    for (const path of [
      f.dataDir,
      `${f.dataDir}.slack-ingress.journal`,
      `${f.dataDir}.slack-ingress.journal.lock`,
    ])
      rmSync(path, { recursive: true, force: true });
  });
  return f;
}
