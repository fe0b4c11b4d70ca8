/**
 * Dispatches a gateway that does not keep to Discord's shapes could send: each is a well-formed
 * event with one thing wrong (a null or missing object, a missing id, a wrong type), or no usable
 * event at all. Send them with `FakeDiscord.dispatchRaw`. Customer-looking text in them is
 * {@link CANARY}, so a test can check that none of it reaches a log.
 */
import { gatewayMessage, interactionPayload } from './events.js';
import { type FakeUser, type Json, messagePayload } from './payloads.js';
import { snowflake } from './snowflake.js';
import type { DiscordState } from './state.js';

export const CANARY = 'canary-customer-text-5e1d: our invoices are wrong since Monday';

export interface MalformedDispatch {
  name: string;
  t: unknown;
  d: unknown;
}

export interface MalformedContext {
  /** A guild text channel the bot can see (and, for a ticket, a linked customer channel). */
  channelId: string;
  /** A guild member (a customer). */
  user: FakeUser;
  /** A message stored in `channelId` (components and reactions point at it). */
  messageId: string;
}

/** A copy of `base` with `key` set to `value`, or removed when `value` is `undefined`. */
function variant(base: Json, key: string, value: unknown): Json {
  const copy: Json = { ...base };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

function messageCases(state: DiscordState, c: MalformedContext): MalformedDispatch[] {
  const m = gatewayMessage(
    state,
    messagePayload({ id: snowflake(), channelId: c.channelId, author: c.user, content: CANARY }),
  );
  const author = m.author as Json;
  const member = m.member as Json;
  const create = (name: string, d: unknown) => ({ name: `MESSAGE_CREATE ${name}`, t: 'MESSAGE_CREATE', d });
  const update = (name: string, d: unknown) => ({ name: `MESSAGE_UPDATE ${name}`, t: 'MESSAGE_UPDATE', d });
  const del = { id: c.messageId, channel_id: c.channelId, guild_id: m.guild_id };
  return [
    create('with d null', null),
    create('with d a list', [m]),
    create('with d a string', CANARY),
    create('with author null', variant(m, 'author', null)),
    create('without author', variant(m, 'author', undefined)),
    create('with an author without id', variant(m, 'author', variant(author, 'id', undefined))),
    create('with author.id a number', variant(m, 'author', variant(author, 'id', 12345))),
    create('without id', variant(m, 'id', undefined)),
    create('without channel_id', variant(m, 'channel_id', undefined)),
    create('with channel_id null', variant(m, 'channel_id', null)),
    create('with content a number', variant(m, 'content', 42)),
    create('with member null', variant(m, 'member', null)),
    create('with member.roles not a list', variant(m, 'member', variant(member, 'roles', 'admin'))),
    create('with embeds null', variant(m, 'embeds', null)),
    create('with mentions a string', variant(m, 'mentions', CANARY)),
    update('with d null', null),
    update('without id', variant(m, 'id', undefined)),
    update('with author null', variant(m, 'author', null)),
    update('with content an object', variant(m, 'content', { text: CANARY })),
    { name: 'MESSAGE_DELETE with d null', t: 'MESSAGE_DELETE', d: null },
    { name: 'MESSAGE_DELETE without id', t: 'MESSAGE_DELETE', d: variant(del, 'id', undefined) },
    {
      name: 'MESSAGE_DELETE with channel_id a number',
      t: 'MESSAGE_DELETE',
      d: variant(del, 'channel_id', 7),
    },
    {
      name: 'MESSAGE_DELETE_BULK with ids null',
      t: 'MESSAGE_DELETE_BULK',
      d: { ids: null, channel_id: c.channelId },
    },
  ];
}

function interactionCases(state: DiscordState, c: MalformedContext): MalformedDispatch[] {
  const command = interactionPayload(state, {
    kind: 'command',
    channelId: c.channelId,
    user: c.user,
    name: 'ticket',
    options: [{ type: 1, name: 'show', options: [{ type: 4, name: 'id', value: 1 }] }],
  });
  const button = interactionPayload(state, {
    kind: 'button',
    channelId: c.channelId,
    user: c.user,
    customId: 'tierdesk:claim:1',
    messageId: c.messageId,
  });
  const data = command.data as Json;
  const member = command.member as Json;
  const i = (name: string, d: unknown) => ({
    name: `INTERACTION_CREATE ${name}`,
    t: 'INTERACTION_CREATE',
    d,
  });
  return [
    i('with d null', null),
    i('without data', variant(command, 'data', undefined)),
    i('without member or user', variant(command, 'member', undefined)),
    i('with member.user null', variant(command, 'member', variant(member, 'user', null))),
    i('with data.options not a list', variant(command, 'data', variant(data, 'options', CANARY))),
    i('with type a string', variant(command, 'type', '2')),
    i('without token', variant(command, 'token', undefined)),
    i('(a button) without message', variant(button, 'message', undefined)),
    i('(a button) without custom_id', variant(button, 'data', { component_type: 2 })),
  ];
}

function guildCases(state: DiscordState, c: MalformedContext): MalformedDispatch[] {
  const guildId = String(state.guildIdOf(c.channelId));
  const guild = state.guildCreate(guildId);
  const thread = { id: snowflake(), type: 11, guild_id: guildId, parent_id: c.channelId, name: 'x' };
  const reaction = {
    user_id: c.user.id,
    channel_id: c.channelId,
    message_id: c.messageId,
    guild_id: guildId,
    emoji: { name: '🎫', id: null },
    member: state.memberPayloadFor(guildId, c.user),
  };
  const reactionMember = reaction.member as Json;
  return [
    { name: 'GUILD_CREATE with d null', t: 'GUILD_CREATE', d: null },
    { name: 'GUILD_CREATE without id', t: 'GUILD_CREATE', d: variant(guild, 'id', undefined) },
    { name: 'GUILD_CREATE with channels null', t: 'GUILD_CREATE', d: variant(guild, 'channels', null) },
    {
      name: 'GUILD_CREATE with a channel without id',
      t: 'GUILD_CREATE',
      d: variant(guild, 'channels', [{ type: 0, name: 'x' }]),
    },
    { name: 'THREAD_CREATE with d null', t: 'THREAD_CREATE', d: null },
    { name: 'THREAD_CREATE without id', t: 'THREAD_CREATE', d: variant(thread, 'id', undefined) },
    { name: 'THREAD_CREATE with type a string', t: 'THREAD_CREATE', d: variant(thread, 'type', 'thread') },
    { name: 'MESSAGE_REACTION_ADD with d null', t: 'MESSAGE_REACTION_ADD', d: null },
    {
      name: 'MESSAGE_REACTION_ADD with emoji null',
      t: 'MESSAGE_REACTION_ADD',
      d: variant(reaction, 'emoji', null),
    },
    {
      name: 'MESSAGE_REACTION_ADD without user_id',
      t: 'MESSAGE_REACTION_ADD',
      d: variant(reaction, 'user_id', undefined),
    },
    {
      name: 'MESSAGE_REACTION_ADD with member.user null',
      t: 'MESSAGE_REACTION_ADD',
      d: variant(reaction, 'member', variant(reactionMember, 'user', null)),
    },
    { name: 'CHANNEL_UPDATE with d null', t: 'CHANNEL_UPDATE', d: null },
    { name: 'CHANNEL_CREATE without type', t: 'CHANNEL_CREATE', d: { id: snowflake(), guild_id: guildId } },
    {
      name: 'GUILD_MEMBER_UPDATE with user null',
      t: 'GUILD_MEMBER_UPDATE',
      d: { guild_id: guildId, user: null, roles: [] },
    },
    {
      name: 'GUILD_ROLE_CREATE with role null',
      t: 'GUILD_ROLE_CREATE',
      d: { guild_id: guildId, role: null },
    },
    { name: 'TYPING_START with d null', t: 'TYPING_START', d: null },
  ];
}

function unknownCases(): MalformedDispatch[] {
  return [
    { name: 't null', t: null, d: {} },
    { name: 't a number', t: 42, d: {} },
    { name: 't an empty string', t: '', d: {} },
    { name: 'an unknown t with d null', t: 'TIERDESK_PROBE', d: null },
  ];
}

/** Every malformed dispatch tierdesk is tested against (more than fifty kinds). */
export function malformedDispatches(state: DiscordState, c: MalformedContext): MalformedDispatch[] {
  return [
    ...messageCases(state, c),
    ...interactionCases(state, c),
    ...guildCases(state, c),
    ...unknownCases(),
  ];
}
