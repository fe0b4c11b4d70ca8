import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TICKET_FORM_CALLBACK } from '../../src/adapters/slack/ticket-form.js';
import { FORM_CONTENT_TYPE, postSigned } from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent } from '../fakes/slack/slack-events.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import {
  NORTHWIND_TEAM,
  SIGNING_SECRET,
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
});

/** The bot's top-level post in `channel` that roots ticket `id`, once delivered. */
async function rootOf(id: number, channel = 'C0NORTHWND') {
  return eventually(() => {
    const root = bot.fake.posted(channel).find((p) => p.message.text.startsWith(`🎫 Ticket #${id}:`));
    if (!root) throw new Error(`ticket #${id} has no root message in ${channel} yet`);
    expect(root.message.thread_ts).toBeUndefined();
    return root;
  }, 20_000);
}

describe(`/ticket new on Slack (${TEST_DB_KIND})`, () => {
  it('a customer types it in a linked channel: the root, the promise threaded under it, the card; replies join', async () => {
    const cmd = await bot.command(
      '/ticket',
      'new Dashboards are slow, queries time out',
      'U0INESNW01',
      'C0NORTHWND',
    );
    expect(cmd.status).toBe(200);
    expect(await cmd.reply()).toBe(
      'Ticket #1 is open: "Dashboards are slow, queries time out". The team answers in its thread in this channel.',
    );
    const root = await rootOf(1);
    await eventually(() => {
      const reply = bot.fake
        .threadOf('C0NORTHWND', root.ts)
        .find((m) => m.text.startsWith('Thanks — this is ticket #1.'));
      expect(reply?.thread_ts).toBe(root.ts);
      expect(bot.fake.posted('C0ENTENG01')[0]?.message.text).toContain('#1 Enterprise P3 performance');
    }, 20_000);
    const [t] = await bot.app.rows<{ origin_thread_ref: string }>('select origin_thread_ref from tickets');
    expect(t!.origin_thread_ref).toBe(root.ts);
    // The customer's reply under the root joins the ticket; staff answering there is a public reply.
    const write = (user: string, team: string, text: string) =>
      bot.event(
        messageEvent({
          channel: 'C0NORTHWND',
          user,
          text,
          ts: freshTs(),
          thread_ts: root.ts,
          team,
          user_team: team,
        }),
      );
    await write('U0INESNW01', NORTHWIND_TEAM, 'It started at 9:00');
    await write('U0PRIYA001', VENDOR_TEAM, 'Looking at it now');
    await eventually(async () => {
      const [r] = await bot.app.rows<{ n: number; answered: boolean }>(
        'select (select count(*)::int from ticket_messages) as n, first_response_at is not null as answered from tickets',
      );
      expect(r).toEqual({ n: 3, answered: true });
    }, 20_000);
  });

  it('without text it opens the form; the submission opens the ticket and says so ephemerally', async () => {
    const cmd = await bot.command('/ticket', 'new', 'U0INESNW01', 'C0NORTHWND');
    expect(cmd.status).toBe(200);
    const [open] = await bot.fake.waitForCalls('views.open', 1);
    expect(open!.response).toMatchObject({ ok: true });
    const view = bot.fake.views()[0]!;
    expect(view).toMatchObject({ callback_id: TICKET_FORM_CALLBACK, title: { text: 'New support ticket' } });
    const body = bot.fake.viewSubmission(String(view.id), {
      summary: 'Payments API returns 500',
      description: 'Since 09:10, for every customer of ours.',
    });
    expect((await postSigned(bot.endpoint, body, FORM_CONTENT_TYPE, SIGNING_SECRET)).status).toBe(200);
    await eventually(() => {
      const [told] = bot.fake.ephemerals('C0NORTHWND');
      expect(told?.args).toMatchObject({
        user: 'U0INESNW01',
        text: expect.stringMatching(/^Ticket #1 is open: "Payments API returns 500"/),
      });
    }, 20_000);
    const root = await rootOf(1);
    expect(root.message.text).toBe(
      '🎫 Ticket #1: Payments API returns 500\nOpened by Inés Alvarez (Northwind) with /ticket new.\n\nSince 09:10, for every customer of ours.',
    );
    // The same form sent twice is one request.
    await postSigned(bot.endpoint, body, FORM_CONTENT_TYPE, SIGNING_SECRET);
    await eventually(() => expect(bot.fake.ephemerals('C0NORTHWND')).toHaveLength(2), 20_000);
    expect(bot.fake.ephemerals('C0NORTHWND')[1]!.args.text).toBe(
      'Ticket #1 was already opened from this request.',
    );
    expect(await bot.app.rows('select id from tickets')).toHaveLength(1);
  });

  it("staff open one for an organization from a queue channel (org=); its thread is in the organization's channel", async () => {
    const cmd = await bot.command(
      '/ticket',
      'new org=Northwind Bank Caller reports SSO login loops',
      'U0PRIYA001',
    );
    expect(await cmd.reply()).toMatch(
      /^Ticket #1 is open for Northwind Bank: "Caller reports SSO login loops"\. Its thread is in <#C0NORTHWND>/,
    );
    const root = await rootOf(1);
    expect(root.message.text).toContain(
      'Opened for Northwind Bank by Priya Raman (a request by phone or email).',
    );
    // org= with no request: the form, its organization filled in.
    await bot.command('/ticket', 'new org="Northwind Bank"', 'U0PRIYA001');
    await bot.fake.waitForCalls('views.open', 1);
    expect(JSON.stringify(bot.fake.views()[0]!.blocks)).toContain('"initial_value":"Northwind Bank"');
  });

  it('refusals are ephemeral sentences with the usage', async () => {
    const unknown = await bot.command('/ticket', 'new org=Nowhere Corp exports fail', 'U0PRIYA001');
    expect(await unknown.reply()).toMatch(
      /^No organization is named "Nowhere Corp exports fail".*\n\nUsage: \/ticket/s,
    );
    const customer = await bot.command('/ticket', 'new exports fail', 'U0INESNW01', 'C0ENTENG01');
    expect(await customer.reply()).toMatch(
      /^This channel is not linked to an organization.*\n\nUsage: \/ticket/s,
    );
    expect(await bot.app.rows('select id from tickets')).toEqual([]);
  });
});
