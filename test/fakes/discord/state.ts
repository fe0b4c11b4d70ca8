import { type GuildContext, guildCreatePayload } from './guild-payloads.js';
import {
  channelPayload,
  DM_CHANNEL,
  dmChannelPayload,
  type FakeGuild,
  type FakeMember,
  type FakeUser,
  iso,
  type Json,
  memberPayload,
} from './payloads.js';
import { compareSnowflakes, snowflake } from './snowflake.js';

export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  guildId: string | null;
  userId: string;
  /** 2 application command, 3 message component, 5 modal submit. */
  type: number;
  /** The message a component interaction came from (what @original means after deferUpdate/update). */
  messageId: string | null;
  /** The message created by a type 4/5 callback. */
  originalId: string | null;
}

export interface ListQuery {
  limit?: number;
  before?: string;
  after?: string;
  around?: string;
}

/** Everything the fake knows: guilds, channels, messages per channel, DMs, interactions, commands. */
export class DiscordState {
  readonly guilds = new Map<string, GuildContext>();
  readonly channels = new Map<string, Json>();
  readonly messages = new Map<string, Json[]>();
  /** Ephemeral interaction messages by id: never in channel history. */
  readonly ephemeral = new Map<string, Json>();
  readonly users = new Map<string, FakeUser>();
  readonly dms = new Map<string, string>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly commands = new Map<string, Json[]>();

  constructor(
    readonly applicationId: string,
    readonly bot: FakeUser,
    guilds: FakeGuild[],
  ) {
    this.users.set(bot.id, bot);
    for (const guild of guilds) this.addGuild(guild);
  }

  addGuild(guild: FakeGuild): void {
    const ctx: GuildContext = { guild, bot: this.bot, botRoleId: snowflake(), joinedAt: iso() };
    this.guilds.set(guild.id, ctx);
    guild.channels.forEach((c, i) => {
      this.channels.set(c.id, channelPayload(guild.id, c, i, this.bot.id));
    });
    for (const m of guild.members ?? []) this.users.set(m.user.id, m.user);
  }

  guildCreate(guildId: string): Json {
    const ctx = this.guilds.get(guildId);
    if (!ctx) throw new Error(`FakeDiscord: unknown guild ${guildId}`);
    const channels = [...this.channels.values()].filter((c) => c.guild_id === guildId);
    return guildCreatePayload(ctx, channels);
  }

  channel(id: string): Json | undefined {
    return this.channels.get(id);
  }

  /** The channel, or an Error naming what is missing (helpers must not dispatch into unknown channels). */
  requireChannel(id: string): Json {
    const channel = this.channels.get(id);
    if (!channel) {
      throw new Error(`FakeDiscord: channel ${id} is not in any guild (add it to a FakeGuild) nor a DM`);
    }
    return channel;
  }

  guildIdOf(channelId: string): string | null {
    const guildId = this.channels.get(channelId)?.guild_id;
    return typeof guildId === 'string' ? guildId : null;
  }

  addChannel(raw: Json): Json {
    this.channels.set(String(raw.id), raw);
    return raw;
  }

  member(guildId: string, userId: string): FakeMember | undefined {
    const ctx = this.guilds.get(guildId);
    if (!ctx) return undefined;
    if (userId === this.bot.id) return { user: this.bot, roles: [ctx.botRoleId] };
    return ctx.guild.members?.find((m) => m.user.id === userId);
  }

  /** The member as it appears in events: known member with user, else a member without roles. */
  memberPayloadFor(guildId: string, user: FakeUser, withUser = true): Json {
    const known = this.member(guildId, user.id) ?? { user, roles: [] };
    const joinedAt = this.guilds.get(guildId)?.joinedAt ?? iso();
    return memberPayload({ ...known, user: { ...known.user, ...user } }, joinedAt, withUser);
  }

  user(id: string): FakeUser {
    return this.users.get(id) ?? { id, username: `user${id.slice(-4)}` };
  }

  rememberUser(user: FakeUser): void {
    if (!this.users.has(user.id)) this.users.set(user.id, user);
  }

  /** The DM channel with `recipient`, created once (stable id per recipient). */
  dmChannel(recipient: FakeUser): Json {
    const existing = this.dms.get(recipient.id);
    if (existing) return this.channels.get(existing) as Json;
    const raw = dmChannelPayload(snowflake(), recipient);
    this.dms.set(recipient.id, String(raw.id));
    return this.addChannel(raw);
  }

  isDm(channelId: string): boolean {
    return this.channels.get(channelId)?.type === DM_CHANNEL;
  }

  messagesIn(channelId: string): Json[] {
    return this.messages.get(channelId) ?? [];
  }

  message(channelId: string, id: string): Json | undefined {
    return this.messagesIn(channelId).find((m) => m.id === id);
  }

  findMessage(id: string): Json | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((m) => m.id === id);
      if (found) return found;
    }
    return this.ephemeral.get(id);
  }

  /** Stores (or, for a replayed id, replaces) a message and bumps the channel's last_message_id. */
  addMessage(message: Json): Json {
    const channelId = String(message.channel_id);
    const list = this.messages.get(channelId) ?? [];
    const index = list.findIndex((m) => m.id === message.id);
    if (index >= 0) list[index] = message;
    else list.push(message);
    this.messages.set(channelId, list);
    const channel = this.channels.get(channelId);
    if (channel) {
      channel.last_message_id = message.id;
      if (typeof channel.message_count === 'number') {
        channel.message_count += 1;
        channel.total_message_sent = channel.message_count;
      }
    }
    return message;
  }

  removeMessage(channelId: string, id: string): boolean {
    const list = this.messagesIn(channelId);
    const index = list.findIndex((m) => m.id === id);
    if (index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** GET /channels/:id/messages semantics: newest first, `limit` 1–100 (default 50). */
  listMessages(channelId: string, q: ListQuery): Json[] {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    const sorted = [...this.messagesIn(channelId)].sort((a, b) =>
      compareSnowflakes(String(b.id), String(a.id)),
    );
    if (q.before) {
      const before = q.before;
      return sorted.filter((m) => compareSnowflakes(String(m.id), before) < 0).slice(0, limit);
    }
    if (q.after) {
      const after = q.after;
      return sorted.filter((m) => compareSnowflakes(String(m.id), after) > 0).slice(-limit);
    }
    if (q.around) {
      const around = q.around;
      const newer = sorted.filter((m) => compareSnowflakes(String(m.id), around) > 0);
      const rest = sorted.filter((m) => compareSnowflakes(String(m.id), around) <= 0);
      const half = Math.floor(limit / 2);
      const olderCount = Math.min(rest.length, limit - Math.min(newer.length, half));
      const newerCount = limit - olderCount;
      return [...newer.slice(Math.max(newer.length - newerCount, 0)), ...rest.slice(0, olderCount)];
    }
    return sorted.slice(0, limit);
  }
}
