import { gatewayMessage } from './events.js';
import {
  channelPayload,
  type FakeUser,
  iso,
  type Json,
  messagePayload,
  THREAD_TYPES,
  threadPayload,
  userPayload,
} from './payloads.js';
import { json, notFound, type RestRouter, type RouteContext, type RouteResult } from './rest.js';
import { snowflake } from './snowflake.js';
import type { DiscordState } from './state.js';

export interface FakeContext {
  state: DiscordState;
  gatewayUrl(): string;
  dispatch(t: string, d: Json): void;
  /** Echo MESSAGE_CREATE/UPDATE for the bot's own REST messages, as Discord does. */
  echoOwnMessages: boolean;
}

export const unknownChannel = (): RouteResult => notFound(10003, 'Unknown Channel');
export const unknownMessage = (): RouteResult => notFound(10008, 'Unknown Message');
const invalidForm = (field: string, message: string): RouteResult =>
  json(400, {
    code: 50035,
    message: 'Invalid Form Body',
    errors: { [field]: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] } },
  });

/** Fields a bot may set on a message it sends or edits. */
export function messageFields(body: Json): Json {
  const out: Json = {};
  for (const key of ['content', 'embeds', 'components', 'flags', 'poll', 'nonce'] as const) {
    if (body[key] !== undefined && body[key] !== null) out[key] = body[key];
  }
  return out;
}

/** A new message authored by the bot, validated like Discord (empty → 50006, > 2000 chars → 50035). */
export function botMessage(
  ctx: FakeContext,
  channelId: string,
  body: Json,
  extra: Json = {},
): Json | RouteResult {
  const fields = messageFields(body);
  const content = typeof fields.content === 'string' ? fields.content : '';
  const hasEmbeds = Array.isArray(fields.embeds) && fields.embeds.length > 0;
  const hasComponents = Array.isArray(fields.components) && fields.components.length > 0;
  const files = Array.isArray(body.files) && body.files.length > 0;
  if (!content && !hasEmbeds && !hasComponents && !files && !fields.poll) {
    return json(400, { code: 50006, message: 'Cannot send an empty message' });
  }
  if (content.length > 2000) return invalidForm('content', 'Must be 2000 or fewer in length.');
  const ref = body.message_reference as Json | undefined;
  if (ref?.message_id && !ctx.state.findMessage(String(ref.message_id)) && ref.fail_if_not_exists !== false) {
    return invalidForm('message_reference', 'Unknown message');
  }
  return {
    ...messagePayload({
      id: snowflake(),
      channelId,
      author: { ...ctx.state.bot, bot: true },
      ...(ref?.message_id ? { messageReference: { message_id: String(ref.message_id) } } : {}),
    }),
    ...fields,
    flags: Number(fields.flags ?? 0),
    ...extra,
  };
}

export const isResult = (v: Json | RouteResult): v is RouteResult => typeof v.status === 'number';

/** Stores a message and (optionally) echoes it over the gateway after the response. */
export function postMessage(ctx: FakeContext, message: Json, status = 200): RouteResult {
  ctx.state.addMessage(message);
  return json(status, message, () => {
    if (ctx.echoOwnMessages) ctx.dispatch('MESSAGE_CREATE', gatewayMessage(ctx.state, message));
  });
}

function listQuery(r: RouteContext) {
  const get = (k: string) => r.query.get(k) ?? undefined;
  const limit = get('limit');
  return {
    ...(limit ? { limit: Number(limit) } : {}),
    before: get('before'),
    after: get('after'),
    around: get('around'),
  };
}

function startThread(ctx: FakeContext, parent: Json, r: RouteContext, fromMessage?: Json): RouteResult {
  const { state } = ctx;
  const body = r.body;
  const guildId = String(parent.guild_id);
  const isForum = parent.type === 15 || parent.type === 16;
  const starter = body.message as Json | undefined;
  if (isForum && !starter) return invalidForm('message', 'This field is required');
  const id = fromMessage ? String(fromMessage.id) : snowflake();
  const thread = threadPayload({
    id,
    guildId,
    parentId: String(parent.id),
    name: String(body.name ?? 'thread'),
    ownerId: state.bot.id,
    type: fromMessage || isForum ? 11 : Number(body.type ?? 12),
    appliedTags: (body.applied_tags as string[] | undefined) ?? [],
  });
  if (typeof body.auto_archive_duration === 'number') {
    (thread.thread_metadata as Json).auto_archive_duration = body.auto_archive_duration;
  }
  thread.member = { id, user_id: state.bot.id, join_timestamp: iso(), flags: 0 };
  state.addChannel(thread);
  let message: Json | undefined;
  if (isForum && starter) {
    const built = botMessage(ctx, id, starter, { id });
    if (isResult(built)) return built;
    message = built;
    state.addMessage(message);
  }
  if (fromMessage) {
    fromMessage.thread = thread;
    fromMessage.flags = Number(fromMessage.flags ?? 0) | 32;
  }
  const response = message ? { ...thread, message } : thread;
  return json(201, response, () => {
    ctx.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    if (message && ctx.echoOwnMessages) ctx.dispatch('MESSAGE_CREATE', gatewayMessage(state, message));
  });
}

/** Gateway, users, DMs, channels, messages, threads, reactions, guild channels. */
export function channelRoutes(router: RestRouter, ctx: FakeContext): void {
  const { state } = ctx;
  const withChannel = (r: RouteContext, fn: (channel: Json) => RouteResult): RouteResult => {
    const channel = state.channel(r.params[0] ?? '');
    return channel ? fn(channel) : unknownChannel();
  };
  const withMessage = (r: RouteContext, fn: (message: Json, channel: Json) => RouteResult): RouteResult =>
    withChannel(r, (channel) => {
      const message = state.message(String(channel.id), r.params[1] ?? '');
      return message ? fn(message, channel) : unknownMessage();
    });
  const noContent = (): RouteResult => json(204);

  router
    .on('GET', '/gateway/bot', () =>
      json(200, {
        url: ctx.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      }),
    )
    .on('GET', '/gateway', () => json(200, { url: ctx.gatewayUrl() }))
    .on('GET', '/users/@me', () => json(200, userPayload({ ...state.bot, bot: true })))
    .on('GET', '/users/:id', (r) => json(200, userPayload(state.user(r.params[0] ?? ''))))
    .on('GET', '/applications/@me', () =>
      json(200, { id: state.applicationId, name: state.bot.username, flags: 0, bot_public: true }),
    )
    .on('POST', '/users/@me/channels', (r) => {
      const recipient: FakeUser = state.user(String(r.body.recipient_id ?? ''));
      return json(200, state.dmChannel(recipient));
    })
    .on('GET', '/channels/:id', (r) => withChannel(r, (c) => json(200, c)))
    .on('PATCH', '/channels/:id', (r) =>
      withChannel(r, (c) => {
        for (const key of ['name', 'topic', 'parent_id', 'applied_tags', 'rate_limit_per_user'] as const) {
          if (key in r.body) c[key] = r.body[key];
        }
        const meta = c.thread_metadata as Json | undefined;
        if (meta) {
          for (const key of ['archived', 'locked', 'auto_archive_duration'] as const) {
            if (key in r.body) meta[key] = r.body[key];
          }
        }
        const event = THREAD_TYPES.has(c.type as number) ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE';
        return json(200, c, () => ctx.dispatch(event, { ...c }));
      }),
    )
    .on('DELETE', '/channels/:id', (r) =>
      withChannel(r, (c) => {
        state.channels.delete(String(c.id));
        const event = THREAD_TYPES.has(c.type as number) ? 'THREAD_DELETE' : 'CHANNEL_DELETE';
        return json(200, c, () => ctx.dispatch(event, { ...c }));
      }),
    )
    .on('POST', '/channels/:id/typing', noContent)
    .on('GET', '/channels/:id/messages', (r) =>
      withChannel(r, (c) => json(200, state.listMessages(String(c.id), listQuery(r)))),
    )
    .on('GET', '/channels/:id/messages/:mid', (r) => withMessage(r, (m) => json(200, m)))
    .on('POST', '/channels/:id/messages', (r) =>
      withChannel(r, (c) => {
        // Discord: with enforce_nonce, a message the same author already created with this nonce
        // (in the last few minutes) is returned instead of a new one.
        if (r.body.enforce_nonce === true && r.body.nonce !== undefined) {
          const twin = state.listMessages(String(c.id), { limit: 100 }).find((m) => m.nonce === r.body.nonce);
          if (twin) return json(200, twin);
        }
        const built = botMessage(ctx, String(c.id), r.body);
        return isResult(built) ? built : postMessage(ctx, built);
      }),
    )
    .on('PATCH', '/channels/:id/messages/:mid', (r) =>
      withMessage(r, (m) => {
        if ((m.author as Json).id !== state.bot.id) {
          return json(403, { code: 50005, message: 'Cannot edit a message authored by another user' });
        }
        Object.assign(m, messageFields(r.body), { edited_timestamp: iso() });
        return json(200, m, () => {
          if (ctx.echoOwnMessages) ctx.dispatch('MESSAGE_UPDATE', gatewayMessage(state, m));
        });
      }),
    )
    .on('DELETE', '/channels/:id/messages/:mid', (r) =>
      withMessage(r, (m, c) => {
        state.removeMessage(String(c.id), String(m.id));
        const guildId = state.guildIdOf(String(c.id));
        const d = { id: m.id, channel_id: c.id, ...(guildId ? { guild_id: guildId } : {}) };
        return json(204, undefined, () => ctx.dispatch('MESSAGE_DELETE', d));
      }),
    )
    .on('POST', '/channels/:id/messages/:mid/threads', (r) =>
      withMessage(r, (m, c) => {
        if (m.thread) {
          return json(400, { code: 160004, message: 'A thread has already been created for this message' });
        }
        return startThread(ctx, c, r, m);
      }),
    )
    .on('POST', '/channels/:id/threads', (r) => withChannel(r, (c) => startThread(ctx, c, r)))
    .on('PUT', '/channels/:id/thread-members/:uid', (r) => withChannel(r, noContent))
    .on('DELETE', '/channels/:id/thread-members/:uid', (r) => withChannel(r, noContent))
    .on('PUT', '/channels/:id/messages/:mid/reactions/:emoji/:user', (r) => withMessage(r, noContent))
    .on('DELETE', '/channels/:id/messages/:mid/reactions/:emoji/:user', (r) => withMessage(r, noContent))
    .on('GET', '/guilds/:gid/channels', (r) =>
      json(
        200,
        [...state.channels.values()].filter(
          (c) => c.guild_id === r.params[0] && !THREAD_TYPES.has(c.type as number),
        ),
      ),
    )
    .on('POST', '/guilds/:gid/channels', (r) => {
      const guildId = r.params[0] ?? '';
      if (!state.guilds.has(guildId)) return notFound(10004, 'Unknown Guild');
      const spec = {
        id: snowflake(),
        name: String(r.body.name ?? 'channel'),
        type: Number(r.body.type ?? 0),
        parent_id: (r.body.parent_id as string | undefined) ?? null,
        topic: (r.body.topic as string | undefined) ?? null,
      };
      const position = [...state.channels.values()].filter((c) => c.guild_id === guildId).length;
      const channel = state.addChannel(channelPayload(guildId, spec, position, state.bot.id));
      return json(201, channel, () => ctx.dispatch('CHANNEL_CREATE', { ...channel }));
    })
    .on('GET', '/guilds/:gid/members/:uid', (r) => {
      const member = state.member(r.params[0] ?? '', r.params[1] ?? '');
      return member
        ? json(200, state.memberPayloadFor(r.params[0] ?? '', member.user))
        : notFound(10007, 'Unknown Member');
    });
}
