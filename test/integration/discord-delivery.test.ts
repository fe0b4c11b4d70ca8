import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiscordChannels, DiscordDelivery } from '../../src/adapters/discord/delivery.js';
import { FakeDiscord, snowflake } from '../fakes/discord/fake-discord.js';
import { D, vendorGuild } from '../support/discord-bot.js';

// The REST side alone (no gateway client): what the delivery knows of channels is given per test.
let fake: FakeDiscord;
let rest: REST;
beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [vendorGuild()], echoOwnMessages: false });
  rest = new REST({ api: fake.apiBase, retries: 0 }).setToken('test-token');
});
afterAll(async () => {
  await fake.close();
});

const knowing = (known: Partial<DiscordChannels>): DiscordChannels => ({
  guildOf: () => D.guild,
  exists: () => false,
  isForum: () => false,
  ...known,
});

function reply(channelId: string, threadRef: string, text: string) {
  return {
    key: `test:${snowflake()}`,
    body: { kind: 'thread_reply' as const, channelId, threadRef, text, ticketId: 7 },
    card: null,
    uncertain: false,
  };
}

/** The calls that name `id` in their path, as `METHOD path status`. */
const callsAbout = (id: string) =>
  fake.requests.filter((r) => r.path.includes(id)).map((r) => `${r.method} ${r.path} ${r.status}`);

describe('Discord thread replies', () => {
  it('on a message without a thread: creates the thread, then posts once', async () => {
    const m = fake.messageCreate({ channelId: D.northwind, author: D.ines, content: 'Exports fail' });
    const id = String(m.id);
    const delivery = new DiscordDelivery(rest, knowing({}));
    expect(await delivery.deliver(reply(D.northwind, id, 'first'))).toMatchObject({ ok: true });
    expect(await delivery.deliver(reply(D.northwind, id, 'second'))).toMatchObject({ ok: true });
    expect(callsAbout(id)).toEqual([
      `POST /channels/${D.northwind}/messages/${id}/threads 201`,
      `POST /channels/${id}/messages 200`,
      `POST /channels/${id}/messages 200`,
    ]);
  });

  it('a thread that exists but is not known (after a restart) is found and posted to', async () => {
    const m = fake.messageCreate({ channelId: D.northwind, author: D.ines, content: 'Exports fail' });
    const id = String(m.id);
    expect(await new DiscordDelivery(rest).deliver(reply(D.northwind, id, 'first'))).toMatchObject({
      ok: true,
    });
    const restarted = new DiscordDelivery(rest);
    expect(await restarted.deliver(reply(D.northwind, id, 'after restart'))).toMatchObject({ ok: true });
    expect(fake.messagesIn(id).map((x) => x.content)).toEqual(['first', 'after restart']);
  });

  it('a forum post is its own thread: posted to directly', async () => {
    const { thread } = fake.threadCreate({
      parentId: D.forum,
      name: 'Invoices',
      author: D.mia,
      content: 'Hi',
    });
    const id = String(thread.id);
    const delivery = new DiscordDelivery(rest, knowing({ isForum: (c) => c === D.forum }));
    expect(await delivery.deliver(reply(D.forum, id, 'opened'))).toMatchObject({ ok: true });
    expect(callsAbout(id)).toEqual([`POST /channels/${id}/messages 200`]);
  });

  it('a thread known from the gateway but gone by now is created again when Discord allows it', async () => {
    const m = fake.messageCreate({ channelId: D.northwind, author: D.ines, content: 'Exports fail' });
    const id = String(m.id);
    const delivery = new DiscordDelivery(rest, knowing({ exists: (c) => c === id }));
    expect(await delivery.deliver(reply(D.northwind, id, 'first'))).toMatchObject({ ok: true });
    expect(callsAbout(id)).toEqual([
      `POST /channels/${id}/messages 404`,
      `POST /channels/${D.northwind}/messages/${id}/threads 201`,
      `POST /channels/${id}/messages 200`,
    ]);
  });
});
