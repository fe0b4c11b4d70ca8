import {
  type Client,
  Events,
  GatewayIntentBits,
  type Message,
  Options,
  RESTEvents,
  Routes,
  type TextChannel,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord.js';
import { AGENT, CUSTOMER, loginClient, nextEvent, SUPPORT, supportGuild } from './harness.js';

let fake: FakeDiscord;
let client: Client;
const received: Message[] = [];

beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [supportGuild()] });
  ({ client } = await loginClient(fake));
  client.on(Events.MessageCreate, (m) => {
    if (!m.author.bot) received.push(m);
  });
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

const support = (): TextChannel => client.channels.cache.get(SUPPORT) as TextChannel;

describe('FakeDiscord: rate limits, reconnects, replays', () => {
  it('a 429 with retry_after 1 is waited out and retried once by @discordjs/rest, even with retries: 0', async () => {
    const before = fake.messagesIn(SUPPORT).length;
    const limited: number[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info.retryAfter));
    fake.rateLimitNext(/^POST \/channels\/\d+\/messages$/, 1, 1);
    const started = Date.now();
    const sent = await support().send('after the rate limit');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(3_000);
    expect(fake.requestsTo(/^POST \/channels\/\d+\/messages$/).map((r) => r.status)).toEqual([429, 200]);
    expect(fake.messagesIn(SUPPORT)).toHaveLength(before + 1);
    expect(fake.messagesIn(SUPPORT).at(-1)?.id).toBe(sent.id);
    expect(limited).toHaveLength(1);
  });

  it('forceReconnect: discord.js RESUMEs and gets the events it missed, once', async () => {
    const identifies = fake.gateway.identifies.length;
    const reconnected = fake.forceReconnect();
    const missed = fake.messageCreate({
      channelId: SUPPORT,
      author: CUSTOMER,
      content: 'sent while offline',
    });
    await reconnected;
    await fake.waitFor(() => received.some((m) => m.id === missed.id));
    expect(received.filter((m) => m.id === missed.id)).toHaveLength(1);
    expect(fake.gateway.resumes.at(-1)).toMatchObject({ ok: true });
    expect(fake.gateway.identifies).toHaveLength(identifies);
    const after = await support().send('still works');
    expect(fake.messagesIn(SUPPORT).at(-1)?.id).toBe(after.id);
  });

  it('replayed MESSAGE_CREATE: discord.js drops ids already in its message cache', async () => {
    const original = fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'open a ticket' });
    await fake.waitFor(() => received.some((m) => m.id === original.id));
    fake.redispatch((e) => e.t === 'MESSAGE_CREATE' && e.d.id === original.id);
    fake.messageCreate({
      channelId: SUPPORT,
      author: CUSTOMER,
      content: 'open a ticket',
      id: String(original.id),
    });
    const marker = fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'marker' });
    await fake.waitFor(() => received.some((m) => m.id === marker.id));
    expect(received.filter((m) => m.id === original.id)).toHaveLength(1);
    expect(fake.messagesIn(SUPPORT).filter((m) => m.id === original.id)).toHaveLength(1);
  });

  it('…but not without a message cache (e.g. after a restart): then the bot sees the replay', async () => {
    const { client: bare } = await loginClient(fake, {
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    });
    try {
      const ids: string[] = [];
      bare.on(Events.MessageCreate, (m) => ids.push(m.id));
      const original = fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'ticket please' });
      fake.messageCreate({
        channelId: SUPPORT,
        author: CUSTOMER,
        content: 'ticket please',
        id: String(original.id),
      });
      await fake.waitFor(() => ids.length === 2);
      expect(ids).toEqual([original.id, original.id]);
    } finally {
      await bare.destroy();
    }
  });

  it('replayed reactions and interactions are emitted again', async () => {
    const target = fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'react here' });
    let reactions = 0;
    let interactions = 0;
    const onReaction = () => reactions++;
    const onInteraction = () => interactions++;
    client.on(Events.MessageReactionAdd, onReaction);
    client.on(Events.InteractionCreate, onInteraction);
    const spec = { userId: AGENT.id, channelId: SUPPORT, messageId: String(target.id) };
    fake.reactionAdd(spec);
    fake.reactionAdd(spec);
    const { id } = fake.interactionCreate({
      kind: 'button',
      customId: 'x',
      messageId: String(target.id),
      channelId: SUPPORT,
      user: AGENT,
    });
    fake.redispatch((e) => e.t === 'INTERACTION_CREATE' && e.d.id === id);
    await fake.waitFor(() => reactions === 2 && interactions === 2);
    client.off(Events.MessageReactionAdd, onReaction);
    client.off(Events.InteractionCreate, onInteraction);
  });

  it('the fake refuses a second callback for one interaction (40060)', async () => {
    const seen = nextEvent(client, Events.InteractionCreate);
    const { id, token } = fake.interactionCreate({
      kind: 'command',
      name: 'ticket',
      channelId: SUPPORT,
      user: AGENT,
    });
    const [interaction] = await seen;
    if (!interaction.isChatInputCommand()) throw new Error('expected a command');
    await interaction.deferReply();
    await expect(
      client.rest.post(Routes.interactionCallback(id, token), { body: { type: 4, data: { content: 'x' } } }),
    ).rejects.toMatchObject({ code: 40060, status: 400 });
    const reply = await interaction.editReply('Done');
    expect(reply.content).toBe('Done');
    expect(fake.messagesIn(SUPPORT).find((m) => m.id === reply.id)?.flags).toBe(0);
  });

  it('an invalidated session makes discord.js identify again (after its 5 s identify throttle)', async () => {
    const identifies = fake.gateway.identifies.length;
    await fake.forceReconnect({ invalidate: true, timeoutMs: 15_000 });
    expect(fake.gateway.identifies).toHaveLength(identifies + 1);
    expect(fake.gateway.resumes.at(-1)).toMatchObject({ ok: false });
    const seen = nextEvent(client, Events.MessageCreate, (m) => m.content === 'after re-identify');
    fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'after re-identify' });
    await seen;
  }, 20_000);

  it('without the MessageContent intent, guild messages arrive with empty content (as on Discord)', async () => {
    const { client: plain } = await loginClient(fake, {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    });
    try {
      const seen = nextEvent(plain, Events.MessageCreate, (m) => m.author.id === CUSTOMER.id);
      fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'secret words' });
      const [message] = await seen;
      expect(message.content).toBe('');
      const mention = nextEvent(plain, Events.MessageCreate, (m) => m.content !== '');
      fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: `<@${fake.botUser.id}> help` });
      expect((await mention)[0].content).toContain('help');
    } finally {
      await plain.destroy();
    }
  });

  it('client.destroy() closes the socket with 1000 and ends the session', async () => {
    await client.destroy();
    await fake.waitFor(() => fake.gateway.liveSessions() === 0);
    expect(fake.dispatch('TYPING_START', { channel_id: SUPPORT })).toBe(0);
  });
});
