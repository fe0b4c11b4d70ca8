import { type Args, blockList, fail, type MethodHandler, metadataArg, str } from './args.js';
import type { SlackState } from './state.js';
import type { StoredMessage } from './types.js';

const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;

/** A user id given as channel posts into the bot's DM with that user, as Slack does. */
function resolveChannel(state: SlackState, channel: string): string {
  return /^[UW]/.test(channel) ? state.openDm(channel) : channel;
}

interface Content {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** Validates text/blocks/attachments the way chat.* does; a string is the Slack error code. */
function readContent(args: Args): Content | string {
  const blocks = blockList(args, 'blocks');
  const attachments = blockList(args, 'attachments');
  if (blocks === null || (blocks && blocks.length > MAX_BLOCKS)) return 'invalid_blocks';
  if (attachments === null) return 'invalid_attachments';
  const text = str(args, 'text');
  if (text && text.length > MAX_TEXT) return 'msg_too_long';
  const content: Content = {};
  if (text !== undefined) content.text = text;
  if (blocks) content.blocks = blocks;
  if (attachments) content.attachments = attachments;
  return content;
}

function hasContent(c: Content): boolean {
  return Boolean(c.text) || Boolean(c.blocks?.length) || Boolean(c.attachments?.length);
}

/** The bot may edit and delete only its own messages. */
function ownMessage(state: SlackState, args: Args, tsKey: string): StoredMessage | string {
  const channel = str(args, 'channel');
  const ts = str(args, tsKey);
  if (!channel) return 'channel_not_found';
  if (!ts) return 'message_not_found';
  const message = state.find(resolveChannel(state, channel), ts);
  if (!message) return 'message_not_found';
  return message.user === state.identity.botUserId ? message : 'cant_update_message';
}

const postMessage: MethodHandler = (args, state) => {
  const requested = str(args, 'channel');
  if (!requested) return fail('channel_not_found');
  const content = readContent(args);
  if (typeof content === 'string') return fail(content);
  if (!hasContent(content)) return fail('no_text');
  const metadata = metadataArg(args);
  if (metadata === null) return fail('invalid_metadata_format');
  const channel = resolveChannel(state, requested);
  const threadTs = str(args, 'thread_ts') || undefined;
  const { identity } = state;
  const message = state.addMessage(channel, {
    user: identity.botUserId,
    bot_id: identity.botId,
    app_id: identity.appId,
    team: identity.teamId,
    text: content.text ?? '',
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(metadata ? { metadata } : {}),
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  return { ok: true, channel, ts: message.ts, message: state.render(message, true) };
};

const update: MethodHandler = (args, state) => {
  const message = ownMessage(state, args, 'ts');
  if (typeof message === 'string') return fail(message);
  const content = readContent(args);
  if (typeof content === 'string') return fail(content);
  const metadata = metadataArg(args);
  if (metadata === null) return fail('invalid_metadata_format');
  // Omitted fields keep their old value; an empty `blocks` list removes the blocks.
  if (content.text !== undefined) message.text = content.text;
  if (content.blocks) message.blocks = content.blocks;
  if (content.attachments) message.attachments = content.attachments;
  if (metadata) message.metadata = metadata;
  message.edited = { user: state.identity.botUserId, ts: state.nextTs() };
  const rendered = state.render(message, true);
  return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: rendered };
};

const remove: MethodHandler = (args, state) => {
  const message = ownMessage(state, args, 'ts');
  if (typeof message === 'string')
    return fail(message === 'cant_update_message' ? 'cant_delete_message' : message);
  state.removeMessage(message.channel, message.ts);
  return { ok: true, channel: message.channel, ts: message.ts };
};

const postEphemeral: MethodHandler = (args, state) => {
  const channel = str(args, 'channel');
  if (!channel) return fail('channel_not_found');
  if (!str(args, 'user')) return fail('user_not_in_channel');
  const content = readContent(args);
  if (typeof content === 'string') return fail(content);
  if (!hasContent(content)) return fail('no_text');
  return { ok: true, message_ts: state.nextTs() };
};

function reactionTarget(args: Args, state: SlackState): { message: StoredMessage; name: string } | string {
  const channel = str(args, 'channel');
  const ts = str(args, 'timestamp');
  const name = str(args, 'name');
  if (!name) return 'invalid_name';
  if (!channel) return 'channel_not_found';
  const message = ts ? state.find(channel, ts) : undefined;
  return message ? { message, name } : 'message_not_found';
}

const reactionsAdd: MethodHandler = (args, state) => {
  const target = reactionTarget(args, state);
  if (typeof target === 'string') return fail(target);
  const { message, name } = target;
  const me = state.identity.botUserId;
  const reaction = message.reactions.find((r) => r.name === name);
  if (reaction?.users.includes(me)) return fail('already_reacted');
  if (reaction) reaction.users.push(me);
  else message.reactions.push({ name, users: [me] });
  return { ok: true };
};

const reactionsRemove: MethodHandler = (args, state) => {
  const target = reactionTarget(args, state);
  if (typeof target === 'string') return fail(target);
  const { message, name } = target;
  const me = state.identity.botUserId;
  const reaction = message.reactions.find((r) => r.name === name);
  if (!reaction?.users.includes(me)) return fail('no_reaction');
  reaction.users = reaction.users.filter((u) => u !== me);
  message.reactions = message.reactions.filter((r) => r.users.length > 0);
  return { ok: true };
};

export const chatRoutes: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.delete': remove,
  'chat.postEphemeral': postEphemeral,
  'reactions.add': reactionsAdd,
  'reactions.remove': reactionsRemove,
};
