/** Payloads for what users do (post, open a thread), stored in the fake's state before dispatch. */
import { type FakeUser, type Json, messagePayload, threadPayload } from './payloads.js';
import { snowflake } from './snowflake.js';
import type { DiscordState } from './state.js';

export interface MessageCreateSpec {
  /** Omit (with no guildId) for a DM: the author's DM channel with the bot is used. */
  channelId?: string;
  guildId?: string;
  author: FakeUser;
  content: string;
  /** Reuse an id to replay a message (the stored copy is replaced). */
  id?: string;
  messageReference?: { message_id: string; channel_id?: string; guild_id?: string };
  /** The partial member (no `user`) MESSAGE_CREATE carries; built from the guild's members by default. */
  member?: Json;
  embeds?: unknown[];
  components?: unknown[];
}

export interface ThreadCreateSpec {
  /** A forum (15) or text channel. */
  parentId: string;
  name: string;
  author: FakeUser;
  /** The starter message (required for forum posts); its id equals the thread id, as on Discord. */
  content?: string;
  id?: string;
  appliedTags?: string[];
  /** Also dispatch MESSAGE_CREATE for the starter message (Discord does; default true). */
  starterMessageEvent?: boolean;
}

/** Stores and returns a user's message (a DM when no channelId/guildId). */
export function userMessage(state: DiscordState, spec: MessageCreateSpec): Json {
  const channelId = spec.channelId ?? String(state.dmChannel(spec.author).id);
  state.requireChannel(channelId);
  const guildId = state.guildIdOf(channelId);
  if (spec.guildId && spec.guildId !== guildId) {
    throw new Error(`FakeDiscord: channel ${channelId} is not in guild ${spec.guildId}`);
  }
  state.rememberUser(spec.author);
  const message = messagePayload({
    id: spec.id ?? snowflake(),
    channelId,
    author: spec.author,
    content: spec.content,
    ...(spec.embeds ? { embeds: spec.embeds } : {}),
    ...(spec.components ? { components: spec.components } : {}),
    ...(spec.messageReference
      ? { messageReference: { ...(guildId ? { guild_id: guildId } : {}), ...spec.messageReference } }
      : {}),
  });
  if (spec.messageReference) {
    message.referenced_message = state.findMessage(spec.messageReference.message_id) ?? null;
  }
  return state.addMessage(message);
}

/** Stores a user's thread (type 11) and its starter message, whose id is the thread id. */
export function userThread(
  state: DiscordState,
  spec: ThreadCreateSpec,
): { thread: Json; message: Json | null } {
  const parent = state.requireChannel(spec.parentId);
  const guildId = state.guildIdOf(spec.parentId);
  if (!guildId) throw new Error(`FakeDiscord: threads need a guild channel, not ${spec.parentId}`);
  if (parent.type === 15 && spec.content === undefined) {
    throw new Error('FakeDiscord: a forum post needs starter message content');
  }
  state.rememberUser(spec.author);
  const thread = threadPayload({
    id: spec.id ?? snowflake(),
    guildId,
    parentId: spec.parentId,
    name: spec.name,
    ownerId: spec.author.id,
    ...(spec.appliedTags ? { appliedTags: spec.appliedTags } : {}),
  });
  state.addChannel(thread);
  if (spec.content === undefined) return { thread, message: null };
  const message = messagePayload({
    id: String(thread.id),
    channelId: String(thread.id),
    author: spec.author,
    content: spec.content,
  });
  message.position = 0;
  state.addMessage(message);
  return { thread, message };
}
