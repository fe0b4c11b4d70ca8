import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, cardActionsBlockId } from '../../src/adapters/slack/render.js';
import { JSON_CONTENT_TYPE, postSigned } from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent, reactionAddedEvent } from '../fakes/slack/slack-events.js';
import { eventCallback } from '../fakes/slack/slack-payloads.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import {
  inesWrites,
  NORTHWIND_TEAM,
  type SlackBot,
  startSlackBot,
  VENDOR_TEAM,
} from '../support/slack-bot.js';

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot();
});
afterAll(async () => {
  await bot.close();
});
beforeEach(async () => {
  await bot.drained();
  await bot.app.reset();
  bot.fake.reset();
  bot.fake.addUser({ id: 'U0INESNW01', realName: 'Inés Alvarez', teamId: NORTHWIND_TEAM });
  bot.fake.addUser({ id: 'U0PRIYA001', realName: 'Priya Raman', teamId: VENDOR_TEAM });
  bot.fake.addUser({ id: 'U0GUEST001', realName: 'A Guest', teamId: VENDOR_TEAM, isRestricted: true });
});

const PERF = 'Dashboards are slow, queries time out after 30s since this morning';

/** A customer of Northwind (Slack Connect user) writes in the linked channel. */
async function customerWrites(text = PERF, ts = freshTs(), extra: Record<string, unknown> = {}) {
  const res = await bot.event({ ...inesWrites(bot.fake, text, ts), source_team: NORTHWIND_TEAM, ...extra });
  expect(res.status).toBe(200);
  return ts;
}

/** Waits until the customer's message at `ts` has become a ticket and its messages went out. */
async function opened(ts: string) {
  await eventually(async () => {
    const r = await bot.app.rows(`select id from tickets where origin_message_id = 'C0NORTHWND:${ts}'`);
    expect(r).toHaveLength(1);
  });
  return ticketRow();
}

async function ticketRow() {
  await bot.drained();
  const rows = await bot.app.rows<{
    id: number;
    status: string;
    assignee_id: number | null;
    priority: string;
    card_message_ref: string | null;
    first_response_at: Date | null;
    queue: string;
  }>(
    'select id::int as id, status, assignee_id, priority, card_message_ref, first_response_at, queue from tickets order by id',
  );
  return rows;
}

describe(`Slack adapter end to end (${TEST_DB_KIND})`, () => {
  it('shutdown waits for an event Slack has already been answered for', async () => {
    // A second replica on the same database and fake Slack, so that stopping it leaves `bot` running.
    const replica = await startSlackBot({ app: bot.app, fake: bot.fake });
    try {
      bot.fake.addUser({ id: 'U0NEWCUST1', realName: 'First Timer', teamId: NORTHWIND_TEAM });
      bot.fake.setLatency(400); // looking up a first-time author takes a while
      const ts = freshTs();
      const res = await replica.event(
        messageEvent({
          channel: 'C0NORTHWND',
          user: 'U0NEWCUST1',
          text: PERF,
          ts,
          user_team: NORTHWIND_TEAM,
        }),
      );
      expect(res.status).toBe(200); // Bolt answers before the listener has done anything
      await replica.adapter.stop(); // what SIGTERM does first
      const rows = await bot.app.rows(`select id from tickets where origin_message_id = 'C0NORTHWND:${ts}'`);
      expect(rows).toHaveLength(1);
    } finally {
      bot.fake.setLatency(0);
      await replica.close();
    }
  });

  it('a customer message opens a ticket: thread reply with the promise and a card in the routed queue', async () => {
    const ts = await customerWrites();
    const [t] = await opened(ts);
    expect(t).toMatchObject({ id: 1, queue: 'enterprise-engineering', status: 'new' });
    const reply = bot.fake.posted('C0NORTHWND').find((p) => p.message.thread_ts === ts);
    expect(reply?.message.text).toMatch(/ticket #1\. Enterprise · P3 · performance — first response due by/);
    const [card] = bot.fake.posted('C0ENTENG01');
    expect(card?.message.text).toContain('#1 Enterprise P3 performance');
    expect(JSON.stringify(card?.message.blocks)).toContain(ACTION_IDS.claim);
    expect(t?.card_message_ref).toBe(card?.ts);
    expect(card?.message.metadata?.event_type).toBe('tierdesk_outbox');
  });

  it('an agent reply in the customer thread meets the first response and edits the card', async () => {
    const ts = await customerWrites();
    await opened(ts);
    const updatesBefore = bot.fake.updates('C0ENTENG01').length;
    await bot.event(
      messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0PRIYA001',
        text: 'Looking at it now',
        ts: freshTs(),
        thread_ts: ts,
        team: VENDOR_TEAM,
      }),
    );
    await eventually(async () => {
      const [t] = await ticketRow();
      expect(t?.first_response_at).not.toBeNull();
      expect(t?.status).toBe('open');
      expect(bot.fake.updates('C0ENTENG01').length).toBeGreaterThan(updatesBefore);
    });
  });

  it('claim by button and by command edit the card in place', async () => {
    const [t0] = await opened(await customerWrites());
    const click = await bot.click('U0PRIYA001', { action_id: ACTION_IDS.claim, value: String(t0!.id) });
    expect(click.status).toBe(200);
    // The clicker is told, only them; the card says who holds it and offers Claim no more.
    expect(await click.reply()).toBe('Ticket #1 is yours.');
    await eventually(async () => {
      const [t1] = await ticketRow();
      expect(t1?.assignee_id).not.toBeNull();
      const lastUpdate = bot.fake.updates('C0ENTENG01').at(-1);
      expect(lastUpdate?.ts).toBe(t0?.card_message_ref);
      expect(JSON.stringify(lastUpdate?.message.blocks)).toContain('<@U0PRIYA001>');
      expect(JSON.stringify(lastUpdate?.message.blocks)).not.toContain(ACTION_IDS.claim);
    });

    const cmd = await bot.command('/ticket', `unclaim #${t0!.id}`, 'U0PRIYA001');
    expect(cmd.status).toBe(200);
    expect(await cmd.reply()).toBe('Ticket #1 is back in its queue.');
    const again = await bot.command('/ticket', 'claim 1', 'U0PRIYA001');
    expect(await again.reply()).toBe('Ticket #1 is yours.');
  });

  it('the priority menu changes the priority', async () => {
    const [t0] = await opened(await customerWrites());
    await bot.click('U0PRIYA001', {
      action_id: ACTION_IDS.priority,
      block_id: cardActionsBlockId(t0!.id),
      selected: 'P1',
    });
    await eventually(async () => expect((await ticketRow())[0]?.priority).toBe('P1'));
  });

  it('Slack retries and replicas never create a second ticket or a second reply', async () => {
    const ts = freshTs();
    bot.fake.addMessage('C0NORTHWND', { ts, user: 'U0INESNW01', text: PERF });
    const ev = messageEvent({
      channel: 'C0NORTHWND',
      user: 'U0INESNW01',
      text: PERF,
      ts,
      team: NORTHWIND_TEAM,
      user_team: NORTHWIND_TEAM,
    });
    // A second replica on the same database and Slack: its own Bolt app, HTTP server and outbox worker.
    const replica = await startSlackBot({ app: bot.app, fake: bot.fake });
    const sends = [
      bot.event(ev, { eventId: 'Ev0RETRY1' }),
      replica.event(ev, { eventId: 'Ev0RETRY1' }),
      bot.event(ev, { eventId: 'Ev0RETRY1', retryNum: 1 }),
      replica.event(ev, { eventId: 'Ev0RETRY1', retryNum: 2 }),
    ];
    expect((await Promise.all(sends)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await eventually(async () => expect(await ticketRow()).toHaveLength(1));
    await Promise.all([bot.settled(), replica.settled()]); // every handler of the four has finished
    await bot.drained();
    await replica.close();
    expect(await ticketRow()).toHaveLength(1);
    expect(bot.fake.posted('C0NORTHWND').filter((p) => p.message.thread_ts === ts)).toHaveLength(1);
    expect(bot.fake.posted('C0ENTENG01')).toHaveLength(1);
  });

  it('forged and stale signatures get 401 and change nothing', async () => {
    const body = eventCallback({
      teamId: VENDOR_TEAM,
      event: messageEvent({ channel: 'C0NORTHWND', user: 'U0INESNW01', text: PERF, ts: freshTs() }),
    });
    const forged = await postSigned(bot.endpoint, body, JSON_CONTENT_TYPE, 'not-the-secret-0000000000000000');
    expect(forged.status).toBe(401);
    const stale = await postSigned(
      bot.endpoint,
      body,
      JSON_CONTENT_TYPE,
      '8f742231b10e8888abcd99eeeeee85a5',
      {
        timestampSec: Math.floor(Date.now() / 1000) - 10 * 60,
      },
    );
    expect(stale.status).toBe(401);
    await bot.settled();
    expect(await ticketRow()).toHaveLength(0);
  });

  it('refuses customers running agent commands, hides other organizations, explains bad input', async () => {
    await opened(await customerWrites());
    const byCustomer = await bot.command('/ticket', 'claim #1', 'U0INESNW01', 'C0NORTHWND');
    expect(await byCustomer.reply()).toMatch(/^Only support staff can claim tickets\.\n\nUsage: \/ticket/);
    const crossOrg = await bot.command('/ticket', 'show #1', 'U0KOFIGX01', 'C0GLOBEX01');
    expect(await crossOrg.reply()).toMatch(/^Ticket #1 was not found\./);
    const own = await bot.command('/ticket', 'show #1', 'U0INESNW01', 'C0NORTHWND');
    expect(await own.reply()).toMatch(/^#1 · Enterprise · P3 · performance · new/);
    const bad = await bot.command('/ticket', 'priority #1 urgent', 'U0PRIYA001');
    expect(await bad.reply()).toMatch(/^"urgent" is not a priority; use one of P1, P2, P3, P4\.\n\nUsage:/);
    const garbage = await bot.command('/ticket', 'frobnicate', 'U0PRIYA001');
    expect(await garbage.reply()).toMatch(/^Unknown command "frobnicate"\.\n\nUsage: \/ticket/);
    const [t] = await ticketRow();
    expect(t?.assignee_id).toBeNull();
  });

  it('noise opens nothing: small talk, bot posts, joins; guests count as customers', async () => {
    await customerWrites('thanks!');
    await bot.event(
      messageEvent({ channel: 'C0NORTHWND', user: 'U0INESNW01', text: 'hello all', ts: freshTs() }),
    );
    await bot.event(
      messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0TIERDESK',
        bot_id: 'B0TIERDESK',
        subtype: 'bot_message',
        text: 'ticket #9',
        ts: freshTs(),
      }),
    );
    await bot.event(
      messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0INESNW01',
        subtype: 'channel_join',
        text: '<@U0INESNW01> has joined',
        ts: freshTs(),
      }),
    );
    await bot.settled();
    expect(await ticketRow()).toHaveLength(0);
    // A guest of the vendor workspace is a customer even though the team matches.
    await bot.event(
      messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0GUEST001',
        text: PERF,
        ts: freshTs(),
        team: VENDOR_TEAM,
      }),
    );
    await eventually(async () => expect(await ticketRow()).toHaveLength(1));
  });

  it('a 🎫 reaction on a staff message opens a ticket from it', async () => {
    const ts = freshTs();
    bot.fake.addMessage('C0NORTHWND', {
      ts,
      user: 'U0PRIYA001',
      text: 'Forwarding: SSO login fails for Northwind admins',
      team: VENDOR_TEAM,
    });
    await bot.event(
      reactionAddedEvent({
        user: 'U0PRIYA001',
        reaction: 'ticket',
        item: { type: 'message', channel: 'C0NORTHWND', ts },
      }),
    );
    await eventually(async () => {
      const rows = await ticketRow();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.queue).toBe('security');
    });
  });

  it('agent replies in the card thread stay internal', async () => {
    const ts = await customerWrites();
    const [t] = await opened(ts);
    const before = bot.fake.posted('C0NORTHWND').length;
    await bot.event(
      messageEvent({
        channel: 'C0ENTENG01',
        user: 'U0PRIYA001',
        text: 'Probably the events index',
        ts: freshTs(),
        thread_ts: t!.card_message_ref!,
        team: VENDOR_TEAM,
      }),
    );
    await eventually(async () => {
      const notes = await bot.app.rows<{ visibility: string }>(
        "select visibility from ticket_messages where author_kind = 'agent'",
      );
      expect(notes).toEqual([{ visibility: 'internal' }]);
    });
    expect(bot.fake.posted('C0NORTHWND').length).toBe(before);
    expect((await ticketRow())[0]?.first_response_at).toBeNull();
    expect(ts).toBeTruthy();
  });

  it('honours 429 Retry-After and 5xx: every message delivered once, in order', async () => {
    bot.fake.failNext('chat.postMessage', 1, { status: 429, retryAfterSec: 1 });
    bot.fake.failNext('chat.update', 1, { status: 503 });
    const ts = await customerWrites();
    await opened(ts);
    await bot.event(
      messageEvent({
        channel: 'C0NORTHWND',
        user: 'U0PRIYA001',
        text: 'On it',
        ts: freshTs(),
        thread_ts: ts,
        team: VENDOR_TEAM,
      }),
    );
    await eventually(async () => expect((await ticketRow())[0]?.first_response_at).not.toBeNull());
    await bot.drained(15_000);
    // The acknowledgement of the ticket, then (after the agent's reply) when the next update is due.
    const replies = bot.fake
      .posted('C0NORTHWND')
      .filter((p) => p.message.thread_ts === ts && p.message.user === 'U0TIERDESK');
    expect(
      replies.map((r) => (r.message.metadata?.event_payload as { key?: string } | undefined)?.key),
    ).toEqual(['ticket:1:reply:opened', expect.stringMatching(/^ticket:1:reply:next-update:\d+$/)]);
    expect(bot.fake.posted('C0ENTENG01')).toHaveLength(1);
    const faulted = bot.fake.calls.filter((c) => c.fault);
    expect(faulted.map((c) => c.method).sort()).toEqual(['chat.postMessage', 'chat.update']);
    const sent = await bot.app.rows<{ idempotency_key: string }>(
      "select idempotency_key from outbox where status = 'sent' order by sent_at, id",
    );
    expect(sent.map((s) => s.idempotency_key)).toEqual([
      'ticket:1:reply:opened',
      'ticket:1:card:v1',
      expect.stringMatching(/^ticket:1:reply:next-update:\d+$/),
      'ticket:1:card:v2',
    ]);
  });

  it('an edit of the opening message updates the ticket text', async () => {
    const ts = await customerWrites();
    await opened(ts);
    await bot.event({
      type: 'message',
      subtype: 'message_changed',
      channel: 'C0NORTHWND',
      ts: freshTs(),
      message: { type: 'message', user: 'U0INESNW01', text: 'Dashboards are very slow', ts },
    });
    await eventually(async () => {
      const [t] = await bot.app.rows<{ description: string }>('select description from tickets');
      expect(t?.description).toBe('Dashboards are very slow');
    });
  });

  it('/support link and unlink are for admins; whoami; /oncall lists rotations', async () => {
    const agent = await bot.command(
      '/support',
      'link <#C0NEWCUST1|acme-help> org=Globex Logistics',
      'U0PRIYA001',
    );
    expect(await agent.reply()).toMatch(/^Only admins can link or unlink channels\.\n\nUsage: \/support/);
    const admin = await bot.command(
      '/support',
      'link <#C0NEWCUST1|acme-help> org=Globex Logistics tier=enterprise',
      'U0DANA0001',
    );
    expect(await admin.reply()).toBe(
      'Linked <#C0NEWCUST1> to Globex Logistics (tier enterprise). Customer messages there now open tickets.',
    );
    const [link] = await bot.app.rows<{ tier_override: string }>(
      "select tier_override from channel_links where channel_id = 'C0NEWCUST1'",
    );
    expect(link?.tier_override).toBe('enterprise');
    const unknown = await bot.command('/support', 'link #C0NEWCUST2 org=Nobody Inc', 'U0DANA0001');
    expect(await unknown.reply()).toMatch(/^No organization named "Nobody Inc"/);
    const unlink = await bot.command('/support', 'unlink', 'U0DANA0001', 'C0NEWCUST1');
    expect(await unlink.reply()).toBe('Unlinked <#C0NEWCUST1>.');
    const who = await bot.command('/support', 'whoami', 'U0INESNW01');
    expect(await who.reply()).toBe(
      'You are Inés Alvarez (Northwind) (ines.northwind); roles: customer; organization: Northwind Bank.',
    );
    const oncall = await bot.command('/oncall', '', 'U0INESNW01');
    // The fake clock starts Mon 2026-03-02 15:00Z: week 9 of sre-primary (priya, marco, jun from 2026-01-05 10:00 New York).
    expect(await oncall.reply()).toMatch(
      /^\*sre-primary\*: <@U0\w+> until Mon 9 Mar 10:00 EDT, then <@U0\w+> from Mon 9 Mar 10:00 EDT\n\*sre-secondary\*: /,
    );
  });

  it('/oncall override puts someone on call now; only on-call staff, leads and admins may', async () => {
    const byCustomer = await bot.command('/oncall', 'override <@U0INESNW01> 4h', 'U0INESNW01');
    expect(await byCustomer.reply()).toMatch(/^Only support staff can set on-call overrides\./);
    const bad = await bot.command('/oncall', 'override <@U0MARCO001> forever', 'U0PRIYA001');
    expect(await bad.reply()).toMatch(/^"forever" is not a duration between 1m and 14d/);
    const ok = await bot.command('/oncall', 'override <@U0MARCO001|marco> 4h', 'U0PRIYA001');
    // In the rotation's zone, as the list below shows it.
    expect(await ok.reply()).toMatch(
      /^Marco Bianchi is on call for sre-primary until Mon 2 Mar 14:0\d EST\.$/,
    );
    const list = await bot.command('/oncall', '', 'U0INESNW01');
    expect(await list.reply()).toMatch(
      /^\*sre-primary\*: <@U0MARCO001> until Mon 2 Mar 14:0\d EST \(override\)/,
    );
  });
});
