/** Gateway event payloads built from the fake's state, in Discord's documented shapes. */
import {
  ALL_PERMISSIONS,
  DM_CHANNEL,
  type FakeUser,
  type Json,
  messagePayload,
  userPayload,
} from './payloads.js';
import { snowflake } from './snowflake.js';
import type { DiscordState } from './state.js';

/** A stored (REST-shaped) message as MESSAGE_CREATE/UPDATE carries it: + guild_id and partial member. */
export function gatewayMessage(state: DiscordState, message: Json, member?: Json): Json {
  const channelId = String(message.channel_id);
  const guildId = state.guildIdOf(channelId);
  if (!guildId) {
    return state.isDm(channelId) ? { ...message, channel_type: DM_CHANNEL } : { ...message };
  }
  const author = message.author as FakeUser;
  const isWebhook = typeof message.webhook_id === 'string';
  return {
    ...message,
    guild_id: guildId,
    ...(isWebhook ? {} : { member: member ?? state.memberPayloadFor(guildId, author, false) }),
  };
}

export interface OptionSpec {
  type: number;
  name: string;
  value?: string | number | boolean;
  options?: OptionSpec[];
  focused?: boolean;
}

interface InteractionBase {
  channelId: string;
  /** The invoking user; in a guild channel the member is built from the guild's members. */
  user: FakeUser;
  /** Overrides the generated member (`{ user, roles, permissions }`). */
  member?: Json;
  /** `member.permissions` (the invoker's permissions in the channel); default '0'. */
  permissions?: string;
  locale?: string;
  id?: string;
  token?: string;
}

export type InteractionSpec =
  | (InteractionBase & {
      kind: 'command';
      name: string;
      options?: OptionSpec[];
      commandId?: string;
      resolved?: Json;
    })
  | (InteractionBase & { kind: 'button'; customId: string; messageId: string })
  | (InteractionBase & { kind: 'select'; customId: string; messageId: string; values: string[] })
  | (InteractionBase & { kind: 'modal'; customId: string; components: unknown[]; messageId?: string });

/** An INTERACTION_CREATE payload (types 2 command, 3 component, 5 modal submit). */
export function interactionPayload(state: DiscordState, spec: InteractionSpec): Json {
  const channel = state.requireChannel(spec.channelId);
  const guildId = state.guildIdOf(spec.channelId);
  const base: Json = {
    id: spec.id ?? snowflake(),
    application_id: state.applicationId,
    token: spec.token ?? `fake-interaction-token-${snowflake()}`,
    version: 1,
    channel_id: spec.channelId,
    channel: { ...channel },
    locale: spec.locale ?? 'en-US',
    app_permissions: ALL_PERMISSIONS,
    entitlements: [],
    attachment_size_limit: 26_214_400,
    authorizing_integration_owners: guildId ? { '0': guildId } : { '1': spec.user.id },
    context: guildId ? 0 : 1,
  };
  if (guildId) {
    const member = spec.member ?? {
      ...state.memberPayloadFor(guildId, spec.user),
      permissions: spec.permissions ?? '0',
    };
    Object.assign(base, {
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      guild_locale: 'en-US',
      member,
    });
  } else {
    base.user = userPayload(spec.user);
  }
  state.rememberUser(spec.user);
  switch (spec.kind) {
    case 'command': {
      const registered = [...state.commands.values()].flat().find((c) => c.name === spec.name);
      return {
        ...base,
        type: 2,
        data: {
          id: spec.commandId ?? (registered?.id as string | undefined) ?? snowflake(),
          name: spec.name,
          type: 1,
          options: spec.options ?? [],
          ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
          ...(spec.resolved ? { resolved: spec.resolved } : {}),
        },
      };
    }
    case 'button':
      return {
        ...base,
        type: 3,
        message: componentMessage(state, spec.channelId, spec.messageId),
        data: { custom_id: spec.customId, component_type: 2 },
      };
    case 'select':
      return {
        ...base,
        type: 3,
        message: componentMessage(state, spec.channelId, spec.messageId),
        data: { custom_id: spec.customId, component_type: 3, values: spec.values },
      };
    case 'modal':
      return {
        ...base,
        type: 5,
        ...(spec.messageId ? { message: componentMessage(state, spec.channelId, spec.messageId) } : {}),
        data: { custom_id: spec.customId, components: spec.components },
      };
  }
}

/** The message a component sits on: the stored one, else a bot message with that id. */
function componentMessage(state: DiscordState, channelId: string, messageId: string): Json {
  return (
    state.message(channelId, messageId) ??
    messagePayload({ id: messageId, channelId, author: state.bot, applicationId: state.applicationId })
  );
}

export interface ReactionSpec {
  userId: string;
  channelId: string;
  messageId: string;
  guildId?: string;
  emoji?: { name: string; id: string | null; animated?: boolean };
  member?: Json;
  burst?: boolean;
}

/** MESSAGE_REACTION_ADD (`withMember`) / MESSAGE_REACTION_REMOVE payload. */
export function reactionPayload(state: DiscordState, spec: ReactionSpec, withMember: boolean): Json {
  state.requireChannel(spec.channelId);
  const guildId = spec.guildId ?? state.guildIdOf(spec.channelId);
  const message = state.message(spec.channelId, spec.messageId);
  const author = message?.author as Json | undefined;
  const d: Json = {
    user_id: spec.userId,
    channel_id: spec.channelId,
    message_id: spec.messageId,
    emoji: spec.emoji ?? { name: '🎫', id: null },
    burst: spec.burst ?? false,
    type: spec.burst ? 1 : 0,
  };
  if (withMember) {
    d.burst_colors = [];
    if (author) d.message_author_id = author.id;
  }
  if (guildId) {
    d.guild_id = guildId;
    if (withMember) d.member = spec.member ?? state.memberPayloadFor(guildId, state.user(spec.userId));
  }
  return d;
}
