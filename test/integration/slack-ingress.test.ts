import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WRITE } from '../../src/adapters/slack/inbox.js';
import { MAX_OPEN } from '../../src/adapters/slack/ingress/backlog.js';
import { startIngress } from '../../src/adapters/slack/ingress/ingress-link.js';
import { Journal } from '../../src/adapters/slack/ingress/journal.js';
import { CLAIM_MS, MAX_TAKEOVERS, takeOverInbound, writeInbox } from '../../src/app/intake/inbound-events.js';
import { silentLogger } from '../../src/ports/logger.js';
import {
  eventCallback,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  postSigned,
} from '../fakes/slack/signed-request.js';
import { freshEventId, freshTs } from '../fakes/slack/slack-events.js';
import {
  type BotProcess,
  botProcessFixture,
  seedDueTickets,
  startBotProcess,
} from '../support/bot-process.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually, PROCESS_DEADLINE_MS } from '../support/eventually.js';
import {
  inesWrites,
  NORTHWIND_TEAM,
  SIGNING_SECRET,
  type SlackBot,
  startSlackBot,
  VENDOR_TEAM,
} from '../support/slack-bot.js';

const SSO = 'Our SSO login fails with a SAML error for every admin';

describe(`the Slack ingress in front of the adapter (${TEST_DB_KIND})`, () => {
  let bot: SlackBot;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tierdesk-ingress-'));
    bot = await startSlackBot(undefined, { ingressJournal: join(dir, 'slack.journal') });
  });
  afterAll(async () => {
    await bot.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await bot.drained();
    await bot.app.reset();
    bot.fake.reset();
    bot.fake.addUser({ id: 'U0INESNW01', realName: 'Inés Alvarez', teamId: NORTHWIND_TEAM });
  });

  const ticketsFor = (ts: string) =>
    bot.app.rows<{ id: number }>(`select id from tickets where origin_message_id = 'C0NORTHWND:${ts}'`);
  const inboxRow = (eventId: string) =>
    bot.app.rows<{ handled: boolean; body: string | null }>(
      `select handled_at is not null as handled, body from inbox where event_id = '${eventId}'`,
    );

  it('answers an event callback, then the bot opens the ticket and marks the event handled', async () => {
    const ts = freshTs();
    const eventId = freshEventId();
    const res = await bot.event(inesWrites(bot.fake, SSO, ts), { eventId });
    expect(res.status).toBe(200);
    await eventually(async () => {
      expect(await ticketsFor(ts)).toHaveLength(1);
      expect(await inboxRow(eventId)).toEqual([{ handled: true, body: null }]);
    });
    // Nothing is left waiting in the journal once the bot has recorded the event.
    await eventually(() => expect(readFileSync(join(dir, 'slack.journal'), 'utf8')).toBe(''));
  });

  it('a replica shutting down writes the handled marks still waiting, then lets go of the database', async () => {
    const replica = await startSlackBot(
      { app: bot.app, fake: bot.fake },
      { ingressJournal: join(dir, 'replica.journal') },
    );
    const ts = freshTs();
    const eventId = freshEventId();
    expect((await replica.event(inesWrites(bot.fake, SSO, ts), { eventId })).status).toBe(200);
    await eventually(async () => expect(await ticketsFor(ts)).toHaveLength(1));
    // What shutdown calls before it closes the pool: nothing may be left to write after it.
    await replica.adapter.stop();
    expect(await inboxRow(eventId)).toEqual([{ handled: true, body: null }]);
    await replica.close();
  });

  it("handles Slack's retries of one event once", async () => {
    const ts = freshTs();
    const eventId = freshEventId();
    const event = inesWrites(bot.fake, SSO, ts);
    expect((await bot.event(event, { eventId })).status).toBe(200);
    expect((await bot.event(event, { eventId, retryNum: 1 })).status).toBe(200);
    expect((await bot.event(event, { eventId, retryNum: 2 })).status).toBe(200);
    await eventually(async () => expect(await inboxRow(eventId)).toEqual([{ handled: true, body: null }]));
    expect(await ticketsFor(ts)).toHaveLength(1);
    await bot.drained();
    expect(bot.fake.posted('C0NORTHWND').filter((p) => p.message.thread_ts === ts)).toHaveLength(1);
  });

  it('passes slash commands through to the bot, whose answer comes back', async () => {
    const r = await bot.command('/ticket', 'frobnicate', 'U0PRIYA001');
    expect(r.status).toBe(200);
    expect(await r.reply()).toMatch(/usage|unknown/i);
  });

  it('refuses a request not signed by Slack, and answers the URL check itself', async () => {
    const body = eventCallback({ teamId: VENDOR_TEAM, event: inesWrites(bot.fake, SSO) });
    const forged = await postSigned(bot.endpoint, body, JSON_CONTENT_TYPE, SIGNING_SECRET, {
      badSignature: true,
    });
    expect(forged.status).toBe(401);
    const stale = await postSigned(bot.endpoint, body, JSON_CONTENT_TYPE, SIGNING_SECRET, {
      timestampSec: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    // Neither was recorded. (By its id: a retry from an earlier test may still be written meanwhile.)
    expect(await inboxRow((JSON.parse(body) as { event_id: string }).event_id)).toHaveLength(0);
    const check = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    const answered = await postSigned(bot.endpoint, check, JSON_CONTENT_TYPE, SIGNING_SECRET);
    expect(await answered.json()).toEqual({ challenge: 'c-123' });
    const form = await postSigned(bot.endpoint, 'command=%2Fticket', FORM_CONTENT_TYPE, SIGNING_SECRET, {
      badSignature: true,
    });
    expect(form.status).toBe(401); // passed through; Bolt refuses it
  });

  it('takes over an event a stopped replica recorded but never handled, once its claim ran out', async () => {
    const ts = freshTs();
    const body = eventCallback({ teamId: VENDOR_TEAM, event: inesWrites(bot.fake, SSO, ts) });
    const eventId = (JSON.parse(body) as { event_id: string }).event_id;
    // What a replica killed right after recording would leave: the row, claimed, unhandled.
    await writeInbox(
      bot.app.deps,
      'slack',
      [{ platform: 'slack', eventId, body, retryNum: null, retryReason: null }],
      [],
    );
    expect(await bot.adapter.inbox!.takeOver()).toBe(0); // still claimed
    bot.app.clock.set(bot.app.clock.now() + CLAIM_MS + 1000);
    expect(await bot.adapter.inbox!.takeOver()).toBe(1);
    expect(await ticketsFor(ts)).toHaveLength(1);
    await eventually(async () => expect(await inboxRow(eventId)).toEqual([{ handled: true, body: null }]));
  });

  it(`gives an event up after ${MAX_TAKEOVERS} take-overs, leaving it in the table`, async () => {
    const deps = bot.app.deps;
    const e = {
      platform: 'slack' as const,
      eventId: freshEventId(),
      body: '{}',
      retryNum: null,
      retryReason: null,
    };
    await writeInbox(deps, 'slack', [e], []);
    for (let i = 0; i < MAX_TAKEOVERS; i++) {
      bot.app.clock.set(bot.app.clock.now() + CLAIM_MS + 1000);
      expect(await takeOverInbound(deps, 'slack', 10)).toHaveLength(1);
    }
    bot.app.clock.set(bot.app.clock.now() + CLAIM_MS + 1000);
    expect(await takeOverInbound(deps, 'slack', 10)).toHaveLength(0);
    expect(await inboxRow(e.eventId)).toEqual([{ handled: false, body: '{}' }]);
  });

  it(`records a burst of more events than one write takes (${MAX_WRITE}) in several writes`, async () => {
    // 10,000 records are 70,000 parameters, more than one Postgres statement can carry: a bot whose
    // writes fell this far behind could never catch up if it wrote them all at once.
    const item = { type: 'message', channel: 'C0NORTHWND', ts: freshTs() };
    const event = { type: 'reaction_added', user: 'U0INESNW01', reaction: 'eyes', item, event_ts: freshTs() };
    const ids = Array.from({ length: 10_000 }, () => freshEventId());
    await Promise.all(
      ids.map((eventId) =>
        bot.adapter.inbox!.record({
          eventId,
          body: eventCallback({ teamId: VENDOR_TEAM, event, eventId }),
          retryNum: null,
          retryReason: null,
        }),
      ),
    );
    const [recorded] = await bot.app.rows<{ n: number }>(
      `select count(*)::int as n from inbox where event_id in (${ids.map((id) => `'${id}'`).join(',')})`,
    );
    expect(recorded!.n).toBe(ids.length);
  });
});

describe(`tierdesk start with the Slack ingress (${TEST_DB_KIND})`, () => {
  const env = botProcessFixture();
  beforeEach(() => env.fake.addUser({ id: 'U0INESNW01', realName: 'Inés Alvarez', teamId: NORTHWIND_TEAM }));

  const portOf = (b: BotProcess) => Number(/"port":(\d+).*tierdesk ready/.exec(b.output())![1]);

  it('a bot killed right after the ingress answered loses nothing and doubles nothing on restart', {
    timeout: 4 * PROCESS_DEADLINE_MS,
  }, async () => {
    await seedDueTickets({ dataDir: env.dataDir, databaseUrl: env.db?.url, count: 0, spreadMs: 0 });
    const first = await startBotProcess({ fake: env.fake, dataDir: env.dataDir, databaseUrl: env.db?.url });
    env.bots.push(first);
    const endpoint = `http://127.0.0.1:${portOf(first)}/slack/events`;
    const ts = freshTs();
    const body = eventCallback({ teamId: VENDOR_TEAM, event: inesWrites(env.fake, SSO, ts) });
    const res = await postSigned(endpoint, body, JSON_CONTENT_TYPE, '0123456789abcdef0123456789abcdef');
    expect(res.status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startBotProcess({ fake: env.fake, dataDir: env.dataDir, databaseUrl: env.db?.url });
    env.bots.push(second);
    // Whether the kill fell before the ticket, before the inbox record or after both, the restart
    // (journal hand-over, or take-over of the recorded event once its claim ran out) opens it once.
    await eventually(() => {
      const replies = env.fake.posted('C0NORTHWND').filter((p) => p.message.thread_ts === ts);
      expect(replies.map((r) => r.message.text)).toEqual([expect.stringMatching(/ticket #1\./)]);
    }, CLAIM_MS + PROCESS_DEADLINE_MS);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).not.toContain('did not stop in time');
    expect(env.fake.posted('C0NORTHWND').filter((p) => p.message.thread_ts === ts)).toHaveLength(1);
  });
});

describe('the ingress journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tierdesk-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was answered while the bot could not record it, and hands it over at the next start', async () => {
    const journalPath = join(dir, 'slack.journal');
    const config = {
      port: 0,
      host: '127.0.0.1',
      signingSecret: SIGNING_SECRET,
      journalPath,
      upstream: { host: '127.0.0.1', port: 9 },
      logLevel: 'silent',
    };
    // A bot whose database hangs: nothing it is handed is ever recorded.
    const stuck = await startIngress({ config, record: () => new Promise(() => {}), logger: silentLogger });
    const body = eventCallback({
      teamId: VENDOR_TEAM,
      event: { type: 'message', text: 'hello', ts: freshTs() },
    });
    const eventId = (JSON.parse(body) as { event_id: string }).event_id;
    const res = await postSigned(
      `http://127.0.0.1:${stuck.port}/slack/events`,
      body,
      JSON_CONTENT_TYPE,
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    await stuck.stop();
    expect(readFileSync(journalPath, 'utf8')).toContain(eventId);

    const handed: string[] = [];
    const next = await startIngress({
      config,
      record: async (e) => {
        handed.push(e.body);
      },
      logger: silentLogger,
    });
    await eventually(() => expect(handed).toEqual([body]));
    await eventually(() => expect(readFileSync(journalPath, 'utf8')).toBe(''));
    await next.stop();
  });

  it(`holds its answers while the bot has ${MAX_OPEN} events unhandled, and lets them go as it catches up`, async () => {
    const unsettled: Array<() => void> = [];
    const ingress = await startIngress({
      config: {
        port: 0,
        host: '127.0.0.1',
        signingSecret: SIGNING_SECRET,
        journalPath: join(dir, 'slack.journal'),
        upstream: { host: '127.0.0.1', port: 9 },
        logLevel: 'silent',
      },
      record: async (_e, settled) => {
        unsettled.push(settled);
      },
      logger: silentLogger,
    });
    const url = `http://127.0.0.1:${ingress.port}/slack/events`;
    const send = (ts = freshTs()) => {
      const body = eventCallback({
        teamId: VENDOR_TEAM,
        event: { type: 'message', text: 'hi', ts },
      });
      return postSigned(url, body, JSON_CONTENT_TYPE, SIGNING_SECRET);
    };
    for (let i = 0; i < MAX_OPEN; i += 32)
      await Promise.all(Array.from({ length: 32 }, () => send().then((r) => expect(r.status).toBe(200))));
    let answered = false;
    const heldTs = freshTs();
    const held = send(heldTs).then((r) => {
      answered = true;
      return r.status;
    });
    // Journaled, so received, and yet not answered: the ingress holds it (it answers right after
    // journaling an event when the bot keeps up).
    await eventually(() => expect(readFileSync(join(dir, 'slack.journal'), 'utf8')).toContain(heldTs));
    expect(answered).toBe(false);
    unsettled[0]!(); // the bot finished one event
    expect(await held).toBe(200);
    await ingress.stop();
  });

  it('refuses a journal another live process holds', async () => {
    const journalPath = join(dir, 'slack.journal');
    writeFileSync(`${journalPath}.lock`, String(process.ppid));
    expect(() => Journal.open(journalPath)).toThrow(/in use by process/);
  });

  it('skips a line torn by a crash mid-write', () => {
    const journalPath = join(dir, 'slack.journal');
    const whole = { seq: 1, eventId: 'Ev1', body: '{}', retryNum: null, retryReason: null };
    writeFileSync(journalPath, `${JSON.stringify(whole)}\n{"seq":2,"eventId":"Ev2","bo`);
    const j = Journal.open(journalPath);
    expect(j.entries().map((e) => e.eventId)).toEqual(['Ev1']);
    j.confirm(j.entries()[0]!.seq);
    expect(readFileSync(journalPath, 'utf8')).toBe('');
    j.close();
  });
});
