import { type Client, DiscordAPIError, Events, MessageFlags, type TextChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord.js';
import { AGENT, CUSTOMER, FORUM, GUILD, loginClient, nextEvent, SUPPORT, supportGuild } from './harness.js';

let fake: FakeDiscord;
let client: Client;
let readyMs: number;

beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [supportGuild()] });
  ({ client, readyMs } = await loginClient(fake));
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

const support = (): TextChannel => client.channels.cache.get(SUPPORT) as TextChannel;

describe('FakeDiscord with the real discord.js client', () => {
  it('logs in quickly: READY + GUILD_CREATE fill the caches', () => {
    expect(readyMs).toBeLessThan(3_000);
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(GUILD);
    expect(guild?.name).toBe('Acme Support');
    expect(guild?.channels.cache.get(FORUM)?.type).toBe(15);
    expect(guild?.members.me?.id).toBe(fake.botUser.id);
    expect(guild?.roles.everyone.id).toBe(GUILD);
    expect(fake.requestsTo(/^GET \/gateway\/bot$/)).toHaveLength(1);
    expect(fake.gateway.identifies[0]?.intents).toBe(1 + 512 + 1024 + 4096 + 32768);
  });

  it('delivers MESSAGE_CREATE with content, author and member', async () => {
    const seen = nextEvent(client, Events.MessageCreate, (m) => m.author.id === CUSTOMER.id);
    const sent = fake.messageCreate({
      channelId: SUPPORT,
      author: CUSTOMER,
      content: 'The export is broken',
    });
    const [message] = await seen;
    expect(message.id).toBe(sent.id);
    expect(message.content).toBe('The export is broken');
    expect(message.guildId).toBe(GUILD);
    expect(message.member?.displayName).toBe('Carol');
    expect(message.id).toMatch(/^\d{17,19}$/);
  });

  it('delivers DMs through Partials.Channel', async () => {
    const seen = nextEvent(client, Events.MessageCreate, (m) => m.content === 'private question');
    fake.messageCreate({ author: CUSTOMER, content: 'private question' });
    const [message] = await seen;
    expect(message.guildId).toBeNull();
    expect(message.channel.isDMBased()).toBe(true);
    const dm = await client.users.createDM(CUSTOMER.id);
    expect(dm.id).toBe(message.channelId);
    await dm.send('We got it');
    expect(fake.messagesIn(dm.id).map((m) => m.content)).toEqual(['private question', 'We got it']);
  });

  it('channel.send posts a recorded message and echoes it back', async () => {
    const echo = nextEvent(client, Events.MessageCreate, (m) => m.content === 'Ticket #42 opened');
    const sent = await support().send({ content: 'Ticket #42 opened' });
    expect(sent.author.id).toBe(fake.botUser.id);
    const [post] = fake.requestsTo(/^POST \/channels\/\d+\/messages$/).slice(-1);
    expect(post?.body).toMatchObject({ content: 'Ticket #42 opened' });
    expect(post?.headers.authorization).toBe('Bot test-token');
    expect(fake.messagesIn(SUPPORT).at(-1)?.id).toBe(sent.id);
    const [echoed] = await echo;
    expect(echoed.author.bot).toBe(true);
  });

  it('message.startThread creates a thread with the message id and THREAD_CREATE', async () => {
    const [message] = await Promise.all([
      nextEvent(client, Events.MessageCreate, (m) => m.content === 'Need help with SSO').then(([m]) => m),
      fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'Need help with SSO' }),
    ]);
    const thread = await message.startThread({ name: 'Ticket 43' });
    expect(thread.id).toBe(message.id);
    expect(thread.parentId).toBe(SUPPORT);
    expect(client.channels.cache.get(thread.id)?.isThread()).toBe(true);
    await thread.send('An agent will be with you shortly');
    expect(fake.messagesIn(thread.id)).toHaveLength(1);
    await fake.waitFor(() => fake.events.some((e) => e.t === 'THREAD_CREATE' && e.d.id === thread.id));
    await expect(message.startThread({ name: 'again' })).rejects.toMatchObject({ code: 160004 });
  });

  it('forum posts arrive as threadCreate plus the starter message', async () => {
    const created = nextEvent(client, Events.ThreadCreate);
    const starter = nextEvent(client, Events.MessageCreate, (m) => m.content === 'Invoices are wrong');
    const { thread } = fake.threadCreate({
      parentId: FORUM,
      name: 'Invoices',
      author: CUSTOMER,
      content: 'Invoices are wrong',
    });
    const [channel, newlyCreated] = await created;
    expect(newlyCreated).toBe(true);
    expect(channel.id).toBe(thread.id);
    expect(channel.parentId).toBe(FORUM);
    const [message] = await starter;
    expect(message.channelId).toBe(thread.id);
    expect((await channel.fetchStarterMessage())?.content).toBe('Invoices are wrong');
    const post = await (client.channels.cache.get(FORUM) as import('discord.js').ForumChannel).threads.create(
      {
        name: 'Bot post',
        message: { content: 'Opened from Slack' },
      },
    );
    expect(post.id).toBe(fake.messagesIn(post.id)[0]?.id);
  });

  it('reactions on uncached messages arrive as partials', async () => {
    const target = fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'react to me' });
    const seen = nextEvent(client, Events.MessageReactionAdd);
    fake.reactionAdd({ userId: AGENT.id, channelId: SUPPORT, messageId: String(target.id), guildId: GUILD });
    const [reaction, user] = await seen;
    expect(reaction.emoji.name).toBe('🎫');
    expect(user.id).toBe(AGENT.id);
    const message = reaction.message.partial ? await reaction.message.fetch() : reaction.message;
    expect(message.content).toBe('react to me');
    await message.react('✅');
    expect(fake.requestsTo(/^PUT \/channels\/\d+\/messages\/\d+\/reactions\/.+\/@me$/)).toHaveLength(1);
  });

  it('chat-input commands with subcommand options; ephemeral reply, follow-up, edit', async () => {
    const seen = nextEvent(client, Events.InteractionCreate);
    const { id } = fake.interactionCreate({
      kind: 'command',
      name: 'ticket',
      channelId: SUPPORT,
      user: AGENT,
      options: [{ type: 1, name: 'claim', options: [{ type: 4, name: 'id', value: 42 }] }],
    });
    const [interaction] = await seen;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.id).toBe(id);
    expect(interaction.options.getSubcommand()).toBe('claim');
    expect(interaction.options.getInteger('id', true)).toBe(42);
    expect(interaction.inCachedGuild() && interaction.member.roles.cache.has('1210000000000000020')).toBe(
      true,
    );
    await interaction.reply({ content: 'Claimed #42', flags: MessageFlags.Ephemeral });
    expect(fake.callbacks().at(-1)).toMatchObject({ interactionId: id, type: 4, data: { flags: 64 } });
    const follow = await interaction.followUp({ content: 'Customer notified' });
    expect(fake.messagesIn(SUPPORT).at(-1)?.id).toBe(follow.id);
    await interaction.editReply('Claimed #42 (edited)');
    expect(fake.requestsTo(/^PATCH \/webhooks\/\d+\/.+\/messages\/@original$/)).toHaveLength(1);
    await expect(interaction.reply('twice')).rejects.toThrow();
  });

  it('buttons: deferUpdate and update; string selects carry values', async () => {
    const card = await support().send({ content: 'Ticket #42 — open' });
    const first = nextEvent(client, Events.InteractionCreate);
    fake.interactionCreate({
      kind: 'button',
      customId: 'ticket:claim:42',
      messageId: card.id,
      channelId: SUPPORT,
      user: AGENT,
    });
    const [a] = await first;
    if (!a.isButton()) throw new Error('expected a button');
    expect(a.customId).toBe('ticket:claim:42');
    expect(a.message.id).toBe(card.id);
    await a.deferUpdate();
    await a.editReply({ content: 'Ticket #42 — claimed by alex' });
    expect(fake.callbacks().at(-1)?.type).toBe(6);
    expect(fake.messagesIn(SUPPORT).find((m) => m.id === card.id)?.content).toBe(
      'Ticket #42 — claimed by alex',
    );

    const second = nextEvent(client, Events.InteractionCreate);
    fake.interactionCreate({
      kind: 'button',
      customId: 'ticket:close:42',
      messageId: card.id,
      channelId: SUPPORT,
      user: AGENT,
    });
    const [b] = await second;
    if (!b.isButton()) throw new Error('expected a button');
    await b.update({ content: 'Ticket #42 — closed', components: [] });
    expect(fake.callbacks().at(-1)).toMatchObject({ type: 7, data: { content: 'Ticket #42 — closed' } });
    expect(fake.messagesIn(SUPPORT).find((m) => m.id === card.id)?.content).toBe('Ticket #42 — closed');

    const third = nextEvent(client, Events.InteractionCreate);
    fake.interactionCreate({
      kind: 'select',
      customId: 'ticket:tier',
      values: ['gold'],
      messageId: card.id,
      channelId: SUPPORT,
      user: CUSTOMER,
    });
    const [c] = await third;
    if (!c.isStringSelectMenu()) throw new Error('expected a string select');
    expect(c.values).toEqual(['gold']);
    await c.deferReply({ flags: MessageFlags.Ephemeral });
    await c.editReply('Tier set');
    expect(fake.callbacks().at(-1)).toMatchObject({ type: 5, data: { flags: 64 } });
  });

  it('edits, deletes, history queries and multipart bodies', async () => {
    const m = fake.messageCreate({ channelId: SUPPORT, author: CUSTOMER, content: 'typo' });
    await nextEvent(client, Events.MessageCreate, (x) => x.id === m.id);
    const updated = nextEvent(client, Events.MessageUpdate, (_old, x) => x.id === m.id);
    fake.messageUpdate({ channelId: SUPPORT, id: String(m.id), content: 'fixed' });
    const [, after] = await updated;
    expect(after.content).toBe('fixed');
    const deleted = nextEvent(client, Events.MessageDelete, (x) => x.id === m.id);
    fake.messageDelete({ channelId: SUPPORT, id: String(m.id) });
    await deleted;
    const latest = await support().messages.fetch({ limit: 2, cache: false });
    const all = fake.messagesIn(SUPPORT);
    expect([...latest.keys()]).toEqual([all.at(-1)?.id, all.at(-2)?.id]);
    const middle = all[2]?.id as string;
    const around = await support().messages.fetch({ around: middle, limit: 3, cache: false });
    expect([...around.keys()]).toEqual([all[3]?.id, all[2]?.id, all[1]?.id]);
    const before = await support().messages.fetch({ before: middle, cache: false });
    expect([...before.keys()]).toEqual([all[1]?.id, all[0]?.id]);
    await support().send({
      content: 'log attached',
      files: [{ attachment: Buffer.from('hi'), name: 'log.txt' }],
    });
    const [upload] = fake.requestsTo(/^POST \/channels\/\d+\/messages$/).slice(-1);
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(upload?.body).toMatchObject({ content: 'log attached', files: ['log.txt'] });
  });

  it('application commands bulk overwrite returns ids', async () => {
    const set = await client.application!.commands.set(
      [{ name: 'ticket', description: 'Tickets', options: [] }],
      GUILD,
    );
    expect([...set.values()][0]?.id).toMatch(/^\d{17,19}$/);
    expect(fake.requestsTo(/^PUT \/applications\/\d+\/guilds\/\d+\/commands$/)).toHaveLength(1);
  });

  it('unknown routes and missing messages are Discord-shaped errors', async () => {
    await expect(client.rest.get('/nowhere')).rejects.toBeInstanceOf(DiscordAPIError);
    expect(fake.requestsTo(/^GET \/nowhere$/)[0]?.status).toBe(404);
    await expect(support().messages.edit('1210000000000009999', 'x')).rejects.toMatchObject({
      code: 10008,
      status: 404,
    });
  });
});
