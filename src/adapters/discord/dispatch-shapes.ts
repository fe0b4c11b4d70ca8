/**
 * The shapes of the gateway dispatches discord.js turns into objects, as far as discord.js relies on
 * them: it reads `d.author.id`, `d.data.type`, `d.member.user.id`… without checking, and one null
 * there throws inside its packet handler, where nothing of ours can catch it. A dispatch that fails
 * its shape is dropped before discord.js sees it (see gateway-guard.ts). Shapes are loose: fields
 * Discord adds later pass through; only what discord.js or tierdesk reads is checked.
 */
import { z } from 'zod';

const id = z.string().regex(/^\d{1,20}$/, 'expected a snowflake id');
const int = z.number().int();
/** A list discord.js maps over, item by item. */
const objects = z.array(z.looseObject({})).optional();

const user = z.looseObject({ id, username: z.string(), bot: z.boolean().optional() });
const partialMember = z.looseObject({ roles: z.array(id), nick: z.string().nullish() });
const member = partialMember.extend({ user });

const messageFields = {
  id,
  channel_id: id,
  guild_id: id.optional(),
  channel_type: int.optional(),
  type: int.optional(),
  member: partialMember.optional(),
  content: z.string().optional(),
  embeds: objects,
  attachments: objects,
  components: objects,
  mentions: objects,
  mention_roles: z.array(id).optional(),
  sticker_items: objects,
};
const message = z.looseObject({ ...messageFields, author: user });
/** MESSAGE_UPDATE may carry only what changed. */
const messageUpdate = z.looseObject({ ...messageFields, author: user.optional() });

const channel = z.looseObject({ id, type: int, guild_id: id.optional(), parent_id: id.nullish() });
const emoji = z.looseObject({ id: id.nullable(), name: z.string().nullable() });
const reaction = z.looseObject({
  user_id: id,
  channel_id: id,
  message_id: id,
  guild_id: id.optional(),
  emoji,
  member: member.optional(),
});

const interactionBase = {
  id,
  application_id: id,
  token: z.string().min(1),
  guild_id: id.optional(),
  channel_id: id.optional(),
  channel: z.looseObject({ id, type: int }).optional(),
  member: member.optional(),
  user: user.optional(),
};
const commandData = z.looseObject({ id, name: z.string(), type: int, options: objects });
/** The message a component sits on: discord.js needs its id; an ephemeral one may come without author. */
const componentMessage = z.looseObject({ id });
const interaction = z
  .discriminatedUnion('type', [
    z.looseObject({ ...interactionBase, type: z.literal(2), data: commandData }),
    z.looseObject({
      ...interactionBase,
      type: z.literal(3),
      message: componentMessage,
      data: z.looseObject({
        custom_id: z.string(),
        component_type: int,
        values: z.array(z.string()).optional(),
      }),
    }),
    z.looseObject({ ...interactionBase, type: z.literal(4), data: commandData }),
    z.looseObject({
      ...interactionBase,
      type: z.literal(5),
      message: componentMessage.optional(),
      data: z.looseObject({ custom_id: z.string(), components: objects }),
    }),
  ])
  .refine((d) => d.member !== undefined || d.user !== undefined, {
    message: 'expected member or user',
    path: ['member'],
  });

const guild = z.looseObject({
  id,
  channels: z.array(channel).optional(),
  threads: z.array(channel).optional(),
  roles: z.array(z.looseObject({ id })).optional(),
  members: z.array(member).optional(),
});
const inGuild = { guild_id: id };

/** Dispatches tierdesk's intents bring and discord.js handles, by `t`. */
const SHAPES: Record<string, z.ZodType> = {
  MESSAGE_CREATE: message,
  MESSAGE_UPDATE: messageUpdate,
  MESSAGE_DELETE: z.looseObject({ id, channel_id: id, guild_id: id.optional() }),
  MESSAGE_DELETE_BULK: z.looseObject({ ids: z.array(id), channel_id: id, guild_id: id.optional() }),
  MESSAGE_REACTION_ADD: reaction,
  MESSAGE_REACTION_REMOVE: reaction,
  MESSAGE_REACTION_REMOVE_ALL: z.looseObject({ channel_id: id, message_id: id, guild_id: id.optional() }),
  MESSAGE_REACTION_REMOVE_EMOJI: z.looseObject({ channel_id: id, message_id: id, emoji }),
  INTERACTION_CREATE: interaction,
  GUILD_CREATE: guild,
  GUILD_UPDATE: z.looseObject({ id }),
  GUILD_DELETE: z.looseObject({ id }),
  CHANNEL_CREATE: channel,
  CHANNEL_UPDATE: channel,
  CHANNEL_DELETE: channel,
  THREAD_CREATE: channel,
  THREAD_UPDATE: channel,
  THREAD_DELETE: channel,
  THREAD_LIST_SYNC: z.looseObject({ ...inGuild, threads: z.array(channel), members: objects }),
  GUILD_MEMBER_ADD: z.looseObject({ ...inGuild, user, roles: z.array(id) }),
  GUILD_MEMBER_UPDATE: z.looseObject({ ...inGuild, user, roles: z.array(id) }),
  GUILD_MEMBER_REMOVE: z.looseObject({ ...inGuild, user }),
  GUILD_ROLE_CREATE: z.looseObject({ ...inGuild, role: z.looseObject({ id }) }),
  GUILD_ROLE_UPDATE: z.looseObject({ ...inGuild, role: z.looseObject({ id }) }),
  GUILD_ROLE_DELETE: z.looseObject({ ...inGuild, role_id: id }),
};

/** Any other dispatch: an object (discord.js reads its fields), except RESUMED, whose `d` it ignores. */
const anyObject = z.looseObject({});

const EVENT_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_PROBLEMS = 5;

/**
 * What is wrong with a gateway dispatch (`{op:0,s,t,d}`), as short phrases naming the field — never
 * its value, which may be a customer's text. Empty when discord.js can be given it.
 */
export function dispatchProblems(packet: unknown): string[] {
  const t = (packet as { t?: unknown } | null)?.t;
  if (typeof t !== 'string' || !EVENT_NAME.test(t)) return ['t: expected an event name'];
  if (t === 'RESUMED') return [];
  const result = (SHAPES[t] ?? anyObject).safeParse((packet as { d?: unknown }).d);
  if (result.success) return [];
  return result.error.issues
    .slice(0, MAX_PROBLEMS)
    .map((issue) => `${['d', ...issue.path.map(String)].join('.')}: ${issue.message}`);
}
