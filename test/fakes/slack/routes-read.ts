import { fail, flag, int, type MethodHandler, str } from './args.js';
import { type SlackState, tsToMicros } from './state.js';
import type { FakeChannel, FakeUser } from './types.js';

const authTest: MethodHandler = (_args, { identity }) => ({
  ok: true,
  url: `https://${identity.teamDomain}.slack.com/`,
  team: 'Tierdesk Test',
  user: 'tierdesk',
  team_id: identity.teamId,
  user_id: identity.botUserId,
  bot_id: identity.botId,
  is_enterprise_install: false,
});

function renderUser(u: FakeUser, state: SlackState): Record<string, unknown> {
  const name = u.name ?? u.id.toLowerCase();
  const realName = u.realName ?? name;
  const teamId = u.teamId ?? state.identity.teamId;
  return {
    id: u.id,
    team_id: teamId,
    name,
    deleted: u.deleted ?? false,
    real_name: realName,
    tz: u.tz ?? 'UTC',
    is_admin: false,
    is_owner: false,
    is_bot: u.isBot ?? false,
    is_app_user: false,
    is_restricted: u.isRestricted ?? false,
    is_ultra_restricted: u.isUltraRestricted ?? false,
    profile: {
      display_name: u.displayName ?? '',
      real_name: realName,
      team: teamId,
      ...(u.email ? { email: u.email } : {}),
    },
  };
}

function renderChannel(c: FakeChannel, state: SlackState): Record<string, unknown> {
  if (c.isIm) return { id: c.id, is_im: true, is_private: true, user: c.user, is_open: true };
  const isPrivate = c.isPrivate ?? false;
  return {
    id: c.id,
    name: c.name ?? c.id.toLowerCase(),
    is_channel: !isPrivate,
    is_group: isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: isPrivate,
    is_archived: false,
    is_member: true,
    is_shared: c.isExtShared ?? false,
    is_ext_shared: c.isExtShared ?? false,
    is_org_shared: false,
    context_team_id: state.identity.teamId,
  };
}

const usersInfo: MethodHandler = (args, state) => {
  const user = state.users.get(str(args, 'user') ?? '');
  return user ? { ok: true, user: renderUser(user, state) } : fail('user_not_found');
};

const conversationsInfo: MethodHandler = (args, state) => {
  const channel = state.channels.get(str(args, 'channel') ?? '');
  return channel ? { ok: true, channel: renderChannel(channel, state) } : fail('channel_not_found');
};

const conversationsOpen: MethodHandler = (args, state) => {
  const channel = str(args, 'channel');
  if (channel)
    return state.channels.has(channel) ? { ok: true, channel: { id: channel } } : fail('channel_not_found');
  const users = str(args, 'users');
  if (!users) return fail('users_list_not_supplied');
  return { ok: true, no_op: false, already_open: false, channel: { id: state.openDm(users) } };
};

/** A page of `items` from the request's `cursor` (an offset, opaque to clients as Slack's are). */
function page<T>(items: T[], args: Parameters<MethodHandler>[0], defaultLimit: number) {
  const limit = Math.min(int(args, 'limit', defaultLimit), 999) || defaultLimit;
  const cursor = str(args, 'cursor');
  const from = cursor ? Number(Buffer.from(cursor, 'base64').toString('utf8').replace('offset:', '')) : 0;
  const slice = items.slice(from, from + limit);
  const more = from + limit < items.length;
  const next = more ? Buffer.from(`offset:${from + limit}`).toString('base64') : '';
  return { slice, more, next };
}

/** Between `oldest` and `latest` (exclusive unless `inclusive`); ts as Slack writes them. */
function inWindow(args: Parameters<MethodHandler>[0]) {
  const latest = str(args, 'latest');
  const oldest = str(args, 'oldest');
  const inclusive = flag(args, 'inclusive');
  const hi = latest ? tsToMicros(latest) : undefined;
  const lo = oldest ? tsToMicros(oldest) : undefined;
  return (ts: string) => {
    const t = tsToMicros(ts);
    if (hi !== undefined && (inclusive ? t > hi : t >= hi)) return false;
    return !(lo !== undefined && (inclusive ? t < lo : t <= lo));
  };
}

/** Parent first, then replies oldest first, within `oldest`/`latest`, in cursor pages. */
const replies: MethodHandler = (args, state) => {
  const channel = str(args, 'channel');
  const ts = str(args, 'ts');
  if (!channel) return fail('channel_not_found');
  const thread = ts ? state.thread(channel, ts) : [];
  if (thread.length === 0) return fail('thread_not_found');
  const within = inWindow(args);
  const { slice, more, next } = page(
    thread.filter((m) => within(m.ts)),
    args,
    1000,
  );
  const metadata = flag(args, 'include_all_metadata');
  return {
    ok: true,
    messages: slice.map((m) => state.render(m, metadata)),
    has_more: more,
    response_metadata: { next_cursor: next },
  };
};

/** Newest first between `oldest` and `latest` (exclusive unless `inclusive`), in cursor pages. */
const history: MethodHandler = (args, state) => {
  const channel = str(args, 'channel') ?? '';
  if (!state.knowsChannel(channel)) return fail('channel_not_found');
  const within = inWindow(args);
  const { slice, more, next } = page(
    state
      .history(channel)
      .reverse()
      .filter((m) => within(m.ts)),
    args,
    100,
  );
  const metadata = flag(args, 'include_all_metadata');
  return {
    ok: true,
    messages: slice.map((m) => state.render(m, metadata)),
    has_more: more,
    pin_count: 0,
    response_metadata: { next_cursor: next },
  };
};

export const readRoutes: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'conversations.info': conversationsInfo,
  'conversations.open': conversationsOpen,
  'conversations.replies': replies,
  'conversations.history': history,
};
