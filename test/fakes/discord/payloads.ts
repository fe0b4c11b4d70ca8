/** Builders for Discord API v10 objects, in the documented shapes discord.js v14 reads. */

export type Json = Record<string, unknown>;

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** 0 text, 2 voice, 4 category, 5 announcement, 11 public thread, 12 private thread, 15 forum. */
  type: number;
  parent_id?: string | null;
  topic?: string | null;
  /** Forum tags (type 15 only). */
  available_tags?: Array<{ id: string; name: string }>;
  /** Thread owner (types 11/12). */
  owner_id?: string;
}

export interface FakeRole {
  id: string;
  name: string;
  /** Permission bit set as a decimal string; defaults to '0' ('1071698660929' for @everyone). */
  permissions?: string;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
  nick?: string | null;
}

export interface FakeGuild {
  id: string;
  name: string;
  channels: FakeChannel[];
  roles?: FakeRole[];
  members?: FakeMember[];
  owner_id?: string;
}

export const THREAD_TYPES = new Set([10, 11, 12]);
export const DM_CHANNEL = 1;
/** Every permission bit Discord defines today (what a bot with Administrator effectively has). */
export const ALL_PERMISSIONS = '4503599627370495';

export const iso = (ms: number = Date.now()): string => new Date(ms).toISOString();

export function userPayload(u: FakeUser): Json {
  return {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.global_name ?? null,
    avatar: null,
    bot: u.bot ?? false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

/** A guild member; `withUser: false` gives the partial member of MESSAGE_CREATE. */
export function memberPayload(m: FakeMember, joinedAt: string, withUser = true): Json {
  return {
    ...(withUser ? { user: userPayload(m.user) } : {}),
    nick: m.nick ?? null,
    avatar: null,
    banner: null,
    roles: m.roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function rolePayload(r: FakeRole, position: number, extra: Json = {}): Json {
  return {
    id: r.id,
    name: r.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: r.permissions ?? '0',
    managed: false,
    mentionable: false,
    flags: 0,
    ...extra,
  };
}

export function threadPayload(t: {
  id: string;
  guildId: string;
  parentId: string;
  name: string;
  ownerId: string;
  type?: number;
  appliedTags?: string[];
  messageCount?: number;
}): Json {
  const now = iso();
  return {
    id: t.id,
    type: t.type ?? 11,
    guild_id: t.guildId,
    parent_id: t.parentId,
    owner_id: t.ownerId,
    name: t.name,
    last_message_id: null,
    last_pin_timestamp: null,
    rate_limit_per_user: 0,
    message_count: t.messageCount ?? 0,
    member_count: 1,
    total_message_sent: t.messageCount ?? 0,
    flags: 0,
    applied_tags: t.appliedTags ?? [],
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
    },
  };
}

/** A guild channel (or thread) as GUILD_CREATE / GET /channels/:id returns it. */
export function channelPayload(guildId: string, c: FakeChannel, position: number, botId: string): Json {
  if (THREAD_TYPES.has(c.type)) {
    return threadPayload({
      id: c.id,
      guildId,
      parentId: c.parent_id ?? '',
      name: c.name,
      ownerId: c.owner_id ?? botId,
      type: c.type,
    });
  }
  const base: Json = {
    id: c.id,
    type: c.type,
    guild_id: guildId,
    name: c.name,
    position,
    permission_overwrites: [],
    parent_id: c.parent_id ?? null,
    nsfw: false,
    flags: 0,
  };
  if (c.type === 4) return base;
  if (c.type === 2)
    return { ...base, bitrate: 64000, user_limit: 0, rtc_region: null, last_message_id: null };
  const text = { ...base, topic: c.topic ?? null, last_message_id: null, rate_limit_per_user: 0 };
  if (c.type !== 15) return text;
  return {
    ...text,
    available_tags: (c.available_tags ?? []).map((t) => ({
      ...t,
      moderated: false,
      emoji_id: null,
      emoji_name: null,
    })),
    default_reaction_emoji: null,
    default_sort_order: null,
    default_forum_layout: 0,
    default_thread_rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
  };
}

export function dmChannelPayload(id: string, recipient: FakeUser): Json {
  return { id, type: DM_CHANNEL, last_message_id: null, flags: 0, recipients: [userPayload(recipient)] };
}

export interface MessageSpec {
  id: string;
  channelId: string;
  author: FakeUser;
  content?: string;
  type?: number;
  flags?: number;
  embeds?: unknown[];
  components?: unknown[];
  messageReference?: { message_id: string; channel_id?: string; guild_id?: string };
  webhookId?: string;
  applicationId?: string;
  timestamp?: string;
}

/** A message as REST returns it (no guild_id / member: the gateway adds those). */
export function messagePayload(m: MessageSpec): Json {
  return {
    id: m.id,
    type: m.type ?? (m.messageReference ? 19 : 0),
    channel_id: m.channelId,
    author: userPayload(m.author),
    content: m.content ?? '',
    timestamp: m.timestamp ?? iso(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: m.embeds ?? [],
    pinned: false,
    flags: m.flags ?? 0,
    components: m.components ?? [],
    ...(m.messageReference
      ? {
          message_reference: { type: 0, channel_id: m.channelId, ...m.messageReference },
          referenced_message: null,
        }
      : {}),
    ...(m.webhookId ? { webhook_id: m.webhookId } : {}),
    ...(m.applicationId ? { application_id: m.applicationId } : {}),
  };
}
