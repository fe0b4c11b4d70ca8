import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOM_IDS } from '../../src/adapters/discord/render.js';
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
});

const PERF = 'Dashboards are slow, queries time out after 30s since this morning';

async function tickets() {
  return bot.app.rows<{
    id: number;
    status: string;
    assignee_id: number | null;
    card_message_ref: string | null;
    origin_thread_ref: string;
    queue: string;
    priority: string;
  }>(
    'select id::int as id, status, assignee_id, card_message_ref, origin_thread_ref, queue, priority from tickets order by id',
  );
}

async function customerWrites(text = PERF) {
  const m = bot.fake.messageCreate({ channelId: D.northwind, author: D.ines, content: text });
  await eventually(async () => expect(await tickets()).toHaveLength(1));
  await bot.drained();
  return String(m.id);
}

const cardsIn = (channel: string) =>
  bot.fake.messagesIn(channel).filter((m) => (m.embeds as unknown[] | undefined)?.length);

/** A slash command as Discord sends it; returns what the user was shown (the edited deferred reply). */
async function command(
  user: typeof D.priya,
  channelId: string,
  name: string,
  sub: string,
  options: Array<{ type: number; name: string; value: string | number }> = [],
) {
  const { token } = bot.fake.interactionCreate({
    kind: 'command',
    channelId,
    user,
    name,
    options: [{ type: 1, name: sub, options }],
  });
  return eventually(() => {
    const edit = bot.fake
      .requestsTo(/^PATCH \/webhooks\/\d+\/.+\/messages\/@original$/)
      .find((r) => r.path.includes(token));
    if (!edit) throw new Error('no reply yet');
    return String((edit.body as { content?: string }).content);
  });
}

describe(`Discord adapter end to end (${TEST_DB_KIND})`, () => {
  it('a customer message opens a ticket, a thread with the promise, and a card in the routed queue', async () => {
    const messageId = await customerWrites();
    const [t] = await tickets();
    expect(t).toMatchObject({ queue: 'enterprise-engineering', origin_thread_ref: messageId });
    expect(bot.fake.requestsTo(/^POST \/channels\/\d+\/messages\/\d+\/threads$/).map((r) => r.path)).toEqual([
      `/channels/${D.northwind}/messages/${messageId}/threads`,
    ]);
    const [reply] = bot.fake.messagesIn(messageId);
    expect(reply?.content).toMatch(/ticket #1\. Enterprise · P3 · performance — first response due by/);
    const [card] = cardsIn(D.enterpriseQueue);
    expect((card?.embeds as Array<{ title: string }> | undefined)?.[0]?.title).toBe(
      '#1 · Enterprise · P3 · performance',
    );
    expect(t?.card_message_ref).toBe(card?.id);
  });

  it("a ticket's thread is created before its first reply, and later replies go straight to it", async () => {
    const messageId = await customerWrites();
    const resolved = await command(D.priya, D.enterpriseQueue, 'ticket', 'resolve', [
      { type: 4, name: 'id', value: 1 },
    ]);
    expect(resolved).toMatch(/^Ticket #1 is resolved/);
    await eventually(() => expect(bot.fake.messagesIn(messageId)).toHaveLength(2));
    // Every call about this ticket's thread, in order: no 404 for a thread not created yet, no
    // second creation, one post per reply.
    const calls = bot.fake.requests
      .filter((r) => r.path.includes(messageId))
      .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toEqual([
      `POST /channels/${D.northwind}/messages/${messageId}/threads 201`,
      `POST /channels/${messageId}/messages 200`,
      `POST /channels/${messageId}/messages 200`,
    ]);
  });

  it('/ticket claim answers ephemerally and edits the card; a button claims too', async () => {
    await customerWrites();
    const reply = await command(D.priya, D.enterpriseQueue, 'ticket', 'claim', [
      { type: 4, name: 'id', value: 1 },
    ]);
    expect(reply).toBe('Ticket #1 is yours.');
    const deferred = bot.fake.callbacks().find((c) => c.type === 5);
    expect((deferred?.data as { flags?: number } | undefined)?.flags).toBe(64);
    await eventually(() =>
      expect(bot.fake.requestsTo(/^PATCH \/channels\/\d+\/messages\/\d+$/).length).toBeGreaterThan(0),
    );

    const unclaim = await command(D.priya, D.enterpriseQueue, 'ticket', 'unclaim', [
      { type: 4, name: 'id', value: 1 },
    ]);
    expect(unclaim).toBe('Ticket #1 is back in its queue.');
    const [t] = await tickets();
    const { token } = bot.fake.interactionCreate({
      kind: 'button',
      channelId: D.enterpriseQueue,
      user: D.priya,
      customId: `${CUSTOM_IDS.claim}:1`,
      messageId: t!.card_message_ref!,
    });
    await eventually(async () => expect((await tickets())[0]?.assignee_id).not.toBeNull());
    // The clicker is told, ephemerally.
    const confirmation = await eventually(() => {
      const r = bot.fake.requestsTo(/^POST \/webhooks\/\d+\/.+$/).find((x) => x.path.includes(token));
      if (!r) throw new Error('no follow-up yet');
      return r.body as { content?: string; flags?: number };
    });
    expect(confirmation).toMatchObject({ content: 'Ticket #1 is yours.', flags: 64 });
  });

  it('refuses a customer running an agent command and hides other organizations', async () => {
    await customerWrites();
    expect(
      await command(D.ines, D.northwind, 'ticket', 'claim', [{ type: 4, name: 'id', value: 1 }]),
    ).toMatch(/^Only support staff can claim tickets\.\n\nUsage: \/ticket/);
    expect(await command(D.kofi, D.northwind, 'ticket', 'show', [{ type: 4, name: 'id', value: 1 }])).toMatch(
      /^Ticket #1 was not found\./,
    );
    expect((await tickets())[0]?.assignee_id).toBeNull();
  });

  it('inside a ticket thread the number may be left out', async () => {
    const messageId = await customerWrites();
    const reply = await command(D.priya, messageId, 'ticket', 'show');
    expect(reply).toMatch(/^#1 · Enterprise · P3 · performance · new/);
  });

  it('thread replies join the ticket: staff replies are public replies', async () => {
    const messageId = await customerWrites();
    bot.fake.messageCreate({ channelId: messageId, author: D.priya, content: 'Looking into it' });
    await eventually(async () => expect((await tickets())[0]?.status).toBe('open'));
  });

  it('a 429 from Discord is waited out and the message delivered once', async () => {
    bot.fake.rateLimitNext(/^POST \/channels\/\d+\/messages$/, 1, 1);
    const messageId = await customerWrites();
    await bot.drained();
    expect(bot.fake.messagesIn(messageId)).toHaveLength(1);
    expect(cardsIn(D.enterpriseQueue)).toHaveLength(1);
  });

  it('a gateway reconnect and replayed events never create a second ticket', async () => {
    const messageId = await customerWrites();
    await bot.fake.forceReconnect();
    bot.fake.redispatch((e) => e.t === 'MESSAGE_CREATE' && (e.d as { id?: string }).id === messageId);
    bot.fake.reactionAdd({ userId: D.priya.id, channelId: D.northwind, messageId, guildId: D.guild });
    bot.fake.reactionAdd({ userId: D.priya.id, channelId: D.northwind, messageId, guildId: D.guild });
    await bot.settled(); // the replayed message and both reactions are in, and handled
    await bot.drained();
    expect(await tickets()).toHaveLength(1);
    expect(cardsIn(D.enterpriseQueue)).toHaveLength(1);
  });

  it('small talk opens nothing, and a 🎫 reaction by an agent opens a ticket from that message', async () => {
    const m = bot.fake.messageCreate({ channelId: D.northwind, author: D.ines, content: 'thanks!' });
    await bot.settled();
    expect(await tickets()).toHaveLength(0);
    bot.fake.reactionAdd({
      userId: D.priya.id,
      channelId: D.northwind,
      messageId: String(m.id),
      guildId: D.guild,
    });
    await eventually(async () => expect(await tickets()).toHaveLength(1));
    const [row] = await bot.app.rows<{ origin_message_id: string; name: string }>(
      'select t.origin_message_id, p.display_name as name from tickets t join people p on p.id = t.requester_id',
    );
    expect(row).toEqual({ origin_message_id: String(m.id), name: 'Inés Alvarez (Northwind)' });
  });

  it('a post in a linked forum channel is a ticket', async () => {
    await bot.app.rows(
      `insert into channel_links (platform, channel_id, organization_id) select 'discord', '${D.forum}', id from organizations where name = 'Initech Studio'`,
    );
    bot.fake.threadCreate({
      parentId: D.forum,
      name: 'Invoices are wrong',
      author: D.mia,
      content: 'Our invoice charged us twice this month',
    });
    await eventually(async () => expect((await tickets())[0]?.queue).toBe('billing'));
  });
});
