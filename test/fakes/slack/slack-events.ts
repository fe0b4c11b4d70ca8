import { randomBytes, randomUUID } from 'node:crypto';
import { SLACK_DEFAULTS } from './types.js';

type Json = Record<string, unknown>;

let lastMicros = 0;

/** A fresh, increasing Slack ts from the wall clock (events default to "now"). */
export function freshTs(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 100);
  const sec = Math.floor(lastMicros / 1_000_000);
  return `${sec}.${String(lastMicros % 1_000_000).padStart(6, '0')}`;
}

export function freshEventId(): string {
  return `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
}

function channelType(channel: string): 'channel' | 'group' | 'im' {
  if (channel.startsWith('D')) return 'im';
  if (channel.startsWith('G')) return 'group';
  return 'channel';
}

function richText(text: string): unknown[] {
  const section = { type: 'rich_text_section', elements: [{ type: 'text', text }] };
  return [{ type: 'rich_text', block_id: randomBytes(3).toString('hex'), elements: [section] }];
}

export interface MessageEventOpts {
  channel: string;
  user: string;
  text: string;
  ts: string;
  thread_ts?: string;
  /** Author of the thread parent; Slack sets it on replies. */
  parent_user_id?: string;
  /** Workspace the message was posted in; defaults to the fake's team. */
  team?: string;
  /** Slack Connect: the author's home workspace. */
  user_team?: string;
  source_team?: string;
  subtype?: string;
  bot_id?: string;
  channel_type?: 'channel' | 'group' | 'im' | 'mpim';
  blocks?: unknown[];
  files?: unknown[];
}

/** A `message` event as delivered for a user post (or a subtype/bot post when those are given). */
export function messageEvent(o: MessageEventOpts): Json {
  const event: Json = { type: 'message' };
  if (o.subtype) event.subtype = o.subtype;
  const human = !o.subtype && !o.bot_id;
  Object.assign(event, {
    user: o.user,
    ...(o.bot_id ? { bot_id: o.bot_id } : {}),
    ...(human ? { client_msg_id: randomUUID() } : {}),
    text: o.text,
    ...(o.files ? { files: o.files } : {}),
    blocks: o.blocks ?? richText(o.text),
    team: o.team ?? SLACK_DEFAULTS.teamId,
    ...(o.user_team ? { user_team: o.user_team } : {}),
    ...(o.source_team ? { source_team: o.source_team } : {}),
    ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
    ...(o.parent_user_id ? { parent_user_id: o.parent_user_id } : {}),
    ts: o.ts,
    channel: o.channel,
    event_ts: o.ts,
    channel_type: o.channel_type ?? channelType(o.channel),
  });
  return event;
}

export interface MessageChangedOpts {
  channel: string;
  user: string;
  /** ts of the edited message. */
  ts: string;
  text: string;
  previousText?: string;
  thread_ts?: string;
  team?: string;
  /** When the edit happened; defaults to a fresh ts. */
  eventTs?: string;
  channel_type?: 'channel' | 'group' | 'im' | 'mpim';
}

/** `message` / `message_changed`: the new message under `message`, the old under `previous_message`. */
export function messageChangedEvent(o: MessageChangedOpts): Json {
  const eventTs = o.eventTs ?? freshTs();
  const base = {
    type: 'message',
    user: o.user,
    team: o.team ?? SLACK_DEFAULTS.teamId,
    ts: o.ts,
    ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
  };
  return {
    type: 'message',
    subtype: 'message_changed',
    message: { ...base, text: o.text, blocks: richText(o.text), edited: { user: o.user, ts: eventTs } },
    previous_message: { ...base, text: o.previousText ?? '' },
    channel: o.channel,
    hidden: true,
    ts: eventTs,
    event_ts: eventTs,
    channel_type: o.channel_type ?? channelType(o.channel),
  };
}

export interface MessageDeletedOpts {
  channel: string;
  /** ts of the deleted message. */
  deletedTs: string;
  user?: string;
  previousText?: string;
  thread_ts?: string;
  eventTs?: string;
  channel_type?: 'channel' | 'group' | 'im' | 'mpim';
}

/** `message` / `message_deleted`. */
export function messageDeletedEvent(o: MessageDeletedOpts): Json {
  const eventTs = o.eventTs ?? freshTs();
  const previous = o.user
    ? {
        previous_message: {
          type: 'message',
          user: o.user,
          text: o.previousText ?? '',
          ts: o.deletedTs,
          ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
        },
      }
    : {};
  return {
    type: 'message',
    subtype: 'message_deleted',
    ...previous,
    channel: o.channel,
    hidden: true,
    ts: eventTs,
    deleted_ts: o.deletedTs,
    event_ts: eventTs,
    channel_type: o.channel_type ?? channelType(o.channel),
  };
}

export interface ReactionAddedOpts {
  user: string;
  reaction: string;
  item: { type: 'message'; channel: string; ts: string };
  /** Author of the reacted message. */
  item_user?: string;
  event_ts?: string;
}

export function reactionAddedEvent(o: ReactionAddedOpts): Json {
  return {
    type: 'reaction_added',
    user: o.user,
    reaction: o.reaction,
    ...(o.item_user ? { item_user: o.item_user } : {}),
    item: o.item,
    event_ts: o.event_ts ?? freshTs(),
  };
}

export interface MemberJoinedOpts {
  user: string;
  channel: string;
  /** `C` public, `G` private. */
  channel_type?: 'C' | 'G';
  team?: string;
  inviter?: string;
  event_ts?: string;
}

export function memberJoinedEvent(o: MemberJoinedOpts): Json {
  return {
    type: 'member_joined_channel',
    user: o.user,
    channel: o.channel,
    channel_type: o.channel_type ?? (o.channel.startsWith('G') ? 'G' : 'C'),
    team: o.team ?? SLACK_DEFAULTS.teamId,
    ...(o.inviter ? { inviter: o.inviter } : {}),
    event_ts: o.event_ts ?? freshTs(),
  };
}
