// One embedded data folder, several processes: `tierdesk start` and `tierdesk` commands as real
// processes (issue 21, item 3). Always PGlite, whatever TEST_DATABASE_URL says: the lock and the
// bot's socket exist only for the embedded database.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, PACKAGE_ROOT } from '../../src/config/env.js';
import { type Database, openDatabase } from '../../src/store/db.js';
import { LOCK_FILE } from '../../src/store/pglite-lock.js';
import { rowsOf } from '../../src/store/sql.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { eventCallback, JSON_CONTENT_TYPE, postSigned } from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent } from '../fakes/slack/slack-events.js';
import { EXAMPLE_DIRECTORY } from '../support/app.js';
import { type BotProcess, botProcessEnv, startBotProcess } from '../support/bot-process.js';
import { eventually } from '../support/eventually.js';

const BIN = resolve(PACKAGE_ROOT, 'bin/tierdesk.js');
let fake: FakeSlack;
let dataDir: string;
const bots: BotProcess[] = [];

beforeEach(async () => {
  fake = await FakeSlack.start({ teamId: 'T0VENDOR01', botUserId: 'U0TIERDESK', botId: 'B0TIERDESK' });
  dataDir = join(mkdtempSync(join(tmpdir(), 'tierdesk-lock-')), 'data');
});
afterEach(async () => {
  for (const b of bots.splice(0)) b.child.kill('SIGKILL');
  await fake.close();
  rmSync(resolve(dataDir, '..'), { recursive: true, force: true });
});

async function startBot(): Promise<BotProcess & { port: number }> {
  const bot = await startBotProcess({ fake, dataDir });
  bots.push(bot);
  const port = Number(/"port":(\d+).*tierdesk ready/.exec(bot.output())![1]);
  return { ...bot, port };
}

/** A `tierdesk` process (a command, or a start that is expected to exit) run to its end. */
function tierdesk(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: botProcessEnv({ fake, dataDir }) });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((r) => child.on('close', (code) => r({ code, out, err })));
}

/** Inés of Northwind Bank (the example directory) writes in her organization's channel. */
async function customerWrites(port: number): Promise<string> {
  const ts = freshTs();
  const text = 'Our SSO login fails with a SAML error for every admin';
  fake.addMessage('C0NORTHWND', { ts, user: 'U0INESNW01', text });
  const event = messageEvent({
    channel: 'C0NORTHWND',
    user: 'U0INESNW01',
    text,
    ts,
    team: 'T0NORTHWND',
    user_team: 'T0NORTHWND',
  });
  const body = eventCallback({ teamId: 'T0VENDOR01', event });
  const secret = botProcessEnv({ fake, dataDir }).SLACK_SIGNING_SECRET!;
  const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, body, JSON_CONTENT_TYPE, secret);
  expect(res.status).toBe(200);
  return ts;
}

async function count(database: Database, table: 'organizations' | 'tickets'): Promise<number> {
  const r = await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return rowsOf<{ n: number }>(r)[0]!.n;
}

describe('one embedded data folder, several processes', () => {
  it('bot first: a command works through the running bot, which sees its writes at once and keeps them', {
    timeout: 180_000,
  }, async () => {
    const bot = await startBot();
    const imported = await tierdesk('import', EXAMPLE_DIRECTORY);
    expect(imported.err).toBe('');
    expect(imported).toMatchObject({ code: 0, out: expect.stringContaining('imported 3 organizations') });
    // The bot sees the organizations the command imported: a message in a linked channel opens a ticket.
    const ts = await customerWrites(bot.port);
    await eventually(() => {
      const reply = fake.posted('C0NORTHWND').find((p) => p.message.thread_ts === ts);
      expect(reply?.message.text).toMatch(/ticket #1\. Enterprise · P1/);
    }, 20_000);
    // Migrations go through the bot too (nothing left to apply: the bot migrated at its start).
    expect(await tierdesk('migrate')).toEqual({
      code: 0,
      out: `migrations applied (pglite, through the running bot, process ${bot.child.pid})\n`,
      err: '',
    });
    // `sla due` reads only the policy.
    const due = await tierdesk(
      'sla',
      'due',
      '--tier',
      'business',
      '--priority',
      'P1',
      '--opened',
      '2026-03-06T19:30:00-05:00',
    );
    expect(due).toMatchObject({ code: 0, err: '' });

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // A process opening the folder afterwards (a restart) finds everything, and opens it itself.
    const database = await openDatabase({ dataDir });
    try {
      expect(database.via).toBeNull();
      expect(await count(database, 'organizations')).toBe(3);
      expect(await count(database, 'tickets')).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('command first: while it holds the folder, the bot refuses to start and other commands refuse, writing nothing', {
    timeout: 180_000,
  }, async () => {
    // This test's process is the long command: it holds the folder and does not serve it.
    const held = await openDatabase({ dataDir });
    try {
      await held.migrate(MIGRATIONS_DIR);
      const start = await tierdesk('start');
      expect(start.code).toBe(1);
      expect(start.out).toContain(`the embedded database in ${dataDir} is in use by`);
      expect(start.out).toContain(`(process ${process.pid}); start the bot again when it has finished`);
      const imported = await tierdesk('import', EXAMPLE_DIRECTORY);
      expect(imported).toMatchObject({ code: 1, out: '' });
      expect(imported.err).toContain(
        `(process ${process.pid}); nothing was done: run this again when it has finished`,
      );
      expect(await count(held, 'organizations')).toBe(0);
    } finally {
      await held.close();
    }
    await startBot(); // free again
  });

  it('a crash leaves the lock behind; the next process takes it over', { timeout: 180_000 }, async () => {
    const lock = join(dataDir, LOCK_FILE);
    const crashed = await startBot();
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: crashed.child.pid, serves: true });
    // The next bot takes the folder over; a second one beside it is refused.
    const bot = await startBot();
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: bot.child.pid });
    const second = await tierdesk('start');
    expect(second.code).toBe(1);
    expect(second.out).toContain('is already used by a running bot');
    expect(second.out).toContain(`(process ${bot.child.pid}); stop it first`);
    // After it crashes too, a command takes the folder over and opens it itself.
    bot.child.kill('SIGKILL');
    await bot.exited;
    expect(await tierdesk('migrate')).toEqual({ code: 0, out: 'migrations applied (pglite)\n', err: '' });
  });
});
