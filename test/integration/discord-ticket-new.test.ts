import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TICKET_FORM_ID } from '../../src/adapters/discord/ticket-form.js';
import type { Json } from '../fakes/discord/payloads.js';
import { TEST_DB_KIND } from '../support/database.js';
import { D, type DiscordBot, startDiscordBot } from '../support/discord-bot.js';
import { eventually } from '../support/eventually.js';

let bot: DiscordBot;
beforeAll(async () => {
  bot = await startDiscordBot();
});
afterAll(async () => {
  await bot.close();
});
beforeEach(async () => {
  await bot.drained();
  await bot.app.reset();
  // Ticket numbers start again at 1, so would the roots' nonces (from their outbox keys): Discord
  // would hand back an earlier test's root for them. Each test starts with empty customer channels.
  for (const channel of [D.northwind, D.initech, D.forum])
    for (const m of bot.fake.messagesIn(channel)) bot.fake.state.removeMessage(channel, String(m.id));
});

type Option = { type: number; name: string; value: string };

/** `/ticket new` as Discord sends it; returns the interaction's token. */
function ticketNew(user: typeof D.priya, channelId: string, options: Option[] = []) {
  return bot.fake.interactionCreate({
    kind: 'command',
    channelId,
    user,
    name: 'ticket',
    options: [{ type: 1, name: 'new', options }],
  }).token;
}

/** What the person was shown: the edit of the deferred ephemeral reply to interaction `token`. */
function shown(token: string) {
  return eventually(() => {
    const edit = bot.fake
      .requestsTo(/^PATCH \/webhooks\/\d+\/.+\/messages\/@original$/)
      .find((r) => r.path.includes(token));
    if (!edit) throw new Error('no reply yet');
    return String((edit.body as { content?: string }).content);
  }, 20_000);
}

/**
 * The root message of ticket `id` in `channel`, with the thread started on it, once delivered (the
 * ticket's thread is the root's id; the fake keeps earlier tests' messages).
 */
function rootOf(id: number, channel = D.northwind): Promise<Json> {
  return eventually(async () => {
    const [t] = await bot.app.rows<{ ref: string | null }>(
      `select origin_thread_ref as ref from tickets where id = ${id}`,
    );
    const root = bot.fake.messagesIn(channel).find((m) => String(m.id) === t?.ref);
    if (!root?.thread) throw new Error(`ticket #${id} has no root with a thread in ${channel} yet`);
    return root;
  }, 20_000);
}

const text = (value: string): Option => ({ type: 3, name: 'text', value });

describe(`/ticket new on Discord (${TEST_DB_KIND})`, () => {
  it('a customer runs it with text: a root with its thread, the promise in it, the card; replies join', async () => {
    const token = ticketNew(D.ines, D.northwind, [text('Dashboards are slow, queries time out')]);
    expect(await shown(token)).toBe(
      'Ticket #1 is open: "Dashboards are slow, queries time out". The team answers in its thread in this channel.',
    );
    const root = await rootOf(1);
    expect((root.thread as Json).name).toBe('Ticket #1 — Dashboards are slow, queries time out');
    const rootId = String(root.id);
    await eventually(() => {
      expect(bot.fake.messagesIn(rootId).map((m) => m.content)).toEqual([
        expect.stringMatching(/^Thanks — this is ticket #1\./),
      ]);
    }, 20_000);
    // The thread was started with the root: no reply went to a thread that did not exist yet.
    expect(bot.fake.requestsTo(/^POST \/channels\/\d+\/messages$/).filter((r) => r.status === 404)).toEqual(
      [],
    );
    const [t] = await bot.app.rows<{ origin_thread_ref: string }>('select origin_thread_ref from tickets');
    expect(t!.origin_thread_ref).toBe(rootId);
    bot.fake.messageCreate({ channelId: rootId, author: D.ines, content: 'It started at 9:00' });
    await eventually(async () => {
      const [n] = await bot.app.rows<{ n: number }>('select count(*)::int as n from ticket_messages');
      expect(n!.n).toBe(2);
    }, 20_000);
  });

  it('without text it answers with the form (MODAL); the submission opens the ticket', async () => {
    const token = ticketNew(D.ines, D.northwind);
    const modal = await eventually(() => {
      const c = bot.fake.callbacks().find((x) => x.token === token);
      if (!c) throw new Error('no answer yet');
      return c;
    }, 20_000);
    expect(modal).toMatchObject({
      type: 9,
      data: { custom_id: TICKET_FORM_ID, title: 'New support ticket' },
    });
    const { token: submitted } = bot.fake.modalSubmit({
      token,
      values: {
        summary: 'Payments API returns 500',
        description: 'Since 09:10, for every customer of ours.',
      },
    });
    expect(await shown(submitted)).toMatch(/^Ticket #1 is open: "Payments API returns 500"/);
    const root = await rootOf(1);
    expect(root.content).toBe(
      '🎫 Ticket #1: Payments API returns 500\nOpened by Inés Alvarez (Northwind) with /ticket new.\n\nSince 09:10, for every customer of ours.',
    );
  });

  it('staff open one for an organization from a queue channel; a linked forum gets a post', async () => {
    const org = (value: string): Option => ({ type: 3, name: 'org', value });
    const token = ticketNew(D.priya, D.enterpriseQueue, [
      org('Northwind Bank'),
      text('Caller reports SSO login loops'),
    ]);
    expect(await shown(token)).toMatch(/^Ticket #1 is open for Northwind Bank/);
    expect((await rootOf(1)).content).toContain('Opened for Northwind Bank by Priya Raman');
    // Initech's only Discord channel here is a forum: the root is a post there.
    await bot.app.rows(
      "delete from channel_links where platform = 'discord' and channel_id = '1200000000000000003'",
    );
    await bot.app.rows(
      `insert into channel_links (platform, channel_id, organization_id) select 'discord', '${D.forum}', id from organizations where name = 'Initech Studio'`,
    );
    const forum = ticketNew(D.priya, D.enterpriseQueue, [
      org('Initech Studio'),
      text('Invoices are doubled'),
    ]);
    expect(await shown(forum)).toMatch(/^Ticket #2 is open for Initech Studio/);
    const post = await eventually(() => {
      const p = bot.fake
        .requestsTo(/^POST \/channels\/\d+\/threads$/)
        .find((r) => r.path === `/channels/${D.forum}/threads`);
      if (p?.status !== 201) throw new Error('no forum post yet');
      return p;
    }, 20_000);
    expect(post.body).toMatchObject({ name: 'Ticket #2 — Invoices are doubled' });
    const refused = ticketNew(D.ines, D.enterpriseQueue, [text('Exports fail')]);
    expect(await shown(refused)).toMatch(
      /^This channel is not linked to an organization.*\n\nUsage: \/ticket/s,
    );
  });
});
