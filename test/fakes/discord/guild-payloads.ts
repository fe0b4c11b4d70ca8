/** GUILD_CREATE and READY payloads. */
import {
  type FakeGuild,
  type FakeUser,
  type Json,
  memberPayload,
  rolePayload,
  THREAD_TYPES,
  userPayload,
} from './payloads.js';
import type { DiscordState } from './state.js';

const EVERYONE_PERMISSIONS = '1071698660929';

export interface GuildContext {
  guild: FakeGuild;
  bot: FakeUser;
  botRoleId: string;
  joinedAt: string;
}

/** The full GUILD_CREATE payload: channels, threads, roles (@everyone = guild id), members incl. the bot. */
export function guildCreatePayload(ctx: GuildContext, channels: Json[]): Json {
  const { guild, bot, botRoleId, joinedAt } = ctx;
  const roles = [
    rolePayload({ id: guild.id, name: '@everyone', permissions: EVERYONE_PERMISSIONS }, 0),
    ...(guild.roles ?? []).map((r, i) => rolePayload(r, i + 1)),
    rolePayload({ id: botRoleId, name: bot.username, permissions: '8' }, (guild.roles?.length ?? 0) + 1, {
      managed: true,
      tags: { bot_id: bot.id },
    }),
  ];
  const members = [
    ...(guild.members ?? []).filter((m) => m.user.id !== bot.id),
    { user: { ...bot, bot: true }, roles: [botRoleId] },
  ].map((m) => memberPayload(m, joinedAt));
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.owner_id ?? guild.members?.[0]?.user.id ?? bot.id,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_members: 500000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    nsfw: false,
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: members.length,
    roles,
    emojis: [],
    stickers: [],
    members,
    channels: channels.filter((c) => !THREAD_TYPES.has(c.type as number)),
    threads: channels.filter((c) => THREAD_TYPES.has(c.type as number)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}

/** READY: the bot user, guilds as unavailable (GUILD_CREATE follows), session and resume URL. */
export function readyPayload(state: DiscordState, sessionId: string, gatewayUrl: string): Json {
  return {
    v: 10,
    user: {
      ...userPayload({ ...state.bot, bot: true }),
      verified: true,
      mfa_enabled: false,
      email: null,
    },
    user_settings: {},
    guilds: [...state.guilds.keys()].map((id) => ({ id, unavailable: true })),
    relationships: [],
    private_channels: [],
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    session_type: 'normal',
    session_id: sessionId,
    resume_gateway_url: gatewayUrl,
    shard: [0, 1],
    application: { id: state.applicationId, flags: 0 },
    _trace: ['fake-discord'],
  };
}
