import type { App } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';
import { addMessage } from '../../app/intake/add-message.js';
import { editMessage } from '../../app/intake/edit-message.js';
import { openTicket } from '../../app/intake/open-ticket.js';
import { isSmallTalk } from '../../app/intake/small-talk.js';
import { normalizeText } from '../../domain/text.js';
import type { Logger } from '../../ports/logger.js';
import type { SlackPeople } from './people.js';

/** Fields of a Slack message event tierdesk reads. */
interface MessageEvent {
  type: 'message';
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  team?: string;
  user_team?: string;
  source_team?: string;
  message?: MessageEvent;
  previous_message?: MessageEvent;
  deleted_ts?: string;
}

/** Subtypes that are people writing; everything else (joins, topic changes, bots…) is noise. */
const HUMAN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

export interface SlackInboundDeps {
  deps: AppDeps;
  people: SlackPeople;
  botUserId: string;
  /** The workspace that installed the app; authors from other teams are Slack Connect users. */
  teamId: string;
  /** Called after a change that queued outbound messages. */
  wake: () => void;
  logger: Logger;
}

/** A Slack message timestamp (seconds.microseconds): a message's id within its channel. */
const SLACK_TS = /^\d{1,12}\.\d{1,9}$/;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isTs = (v: unknown): v is string => typeof v === 'string' && SLACK_TS.test(v);
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);

/**
 * The first field a ticket needs that this message event lacks or has malformed, or null. Events
 * are untrusted (a signed body proves only who sent it): `ts: null` opened a ticket with message
 * id `C…:null`.
 */
function malformedMessage(e: MessageEvent): string | null {
  if (!isId(e.channel)) return 'channel';
  if (e.subtype === 'message_changed') {
    if (!isTs(e.message?.ts)) return 'message.ts';
    return optional(e.message?.text, (v) => typeof v === 'string') ? null : 'message.text';
  }
  if (e.subtype === 'message_deleted') return isTs(e.deleted_ts) ? null : 'deleted_ts';
  if (!isTs(e.ts)) return 'ts';
  if (!optional(e.thread_ts, isTs)) return 'thread_ts';
  if (!optional(e.user, isId)) return 'user';
  if (!optional(e.text, (v) => typeof v === 'string')) return 'text';
  for (const f of ['team', 'user_team', 'source_team'] as const) if (!optional(e[f], isId)) return f;
  return null;
}

interface ReactionEvent {
  reaction: unknown;
  user: unknown;
  item?: { type?: unknown; channel?: unknown; ts?: unknown };
}

function malformedReaction(e: ReactionEvent): string | null {
  if (!isId(e.user)) return 'user';
  if (!isId(e.item?.channel)) return 'item.channel';
  return isTs(e.item?.ts) ? null : 'item.ts';
}

async function onHumanMessage(ctx: SlackInboundDeps, e: MessageEvent): Promise<void> {
  const text = normalizeText(e.text ?? '');
  const authorTeam = e.user_team ?? e.source_team ?? e.team ?? ctx.teamId;
  const who = await ctx.people.describe(e.user!);
  const author = {
    externalId: e.user!,
    displayName: who.name,
    workspaceId: authorTeam,
    external: authorTeam !== ctx.teamId || who.guest,
  };
  const inThread = e.thread_ts !== undefined && e.thread_ts !== e.ts;
  if (inThread) {
    const r = await addMessage(ctx.deps, {
      platform: 'slack',
      channelId: e.channel,
      threadRef: e.thread_ts!,
      messageId: `${e.channel}:${e.ts}`,
      author,
      text,
    });
    if (r.ok && r.value.status === 'added') ctx.wake();
    return;
  }
  if (isSmallTalk(text)) return;
  const r = await openTicket(ctx.deps, {
    platform: 'slack',
    channelId: e.channel,
    messageId: `${e.channel}:${e.ts}`,
    threadRef: e.ts,
    author,
    text,
    trigger: 'message',
  });
  if (r.ok && r.value.status === 'opened') ctx.wake();
}

async function onEditOrDelete(ctx: SlackInboundDeps, e: MessageEvent): Promise<void> {
  if (e.subtype === 'message_changed' && e.message) {
    await editMessage(ctx.deps, {
      platform: 'slack',
      messageId: `${e.channel}:${e.message.ts}`,
      text: normalizeText(e.message.text ?? ''),
    });
  } else if (e.subtype === 'message_deleted' && e.deleted_ts) {
    await editMessage(ctx.deps, { platform: 'slack', messageId: `${e.channel}:${e.deleted_ts}`, text: null });
  }
}

/** 🎫 on any message in a linked channel opens a ticket from that message. */
async function onTicketReaction(ctx: SlackInboundDeps, channel: string, ts: string): Promise<void> {
  const found = await ctx.people.message(channel, ts);
  if (!found?.user) return;
  const who = await ctx.people.describe(found.user);
  const authorTeam = found.user_team ?? found.team ?? ctx.teamId;
  const r = await openTicket(ctx.deps, {
    platform: 'slack',
    channelId: channel,
    messageId: `${channel}:${ts}`,
    threadRef: found.thread_ts ?? ts,
    author: {
      externalId: found.user,
      displayName: who.name,
      workspaceId: authorTeam,
      external: authorTeam !== ctx.teamId || who.guest,
    },
    text: normalizeText(typeof found.text === 'string' ? found.text : ''),
    trigger: 'reaction',
  });
  if (r.ok && r.value.status === 'opened') ctx.wake();
}

/**
 * Message and reaction events → use cases. Bolt acknowledges events before listeners run; retries
 * of the same event are harmless because every use case is idempotent on the platform message id.
 */
export function registerEvents(app: App, ctx: SlackInboundDeps): void {
  // Not a ticket, and said so without the customer's text (which may be what is malformed).
  const refuse = (body: { event_id?: unknown }, type: string, field: string) =>
    ctx.logger.warn(
      { eventId: typeof body.event_id === 'string' ? body.event_id : null, type, field },
      `slack: ${type} event refused: ${field} is missing or malformed`,
    );
  // One listener for both (see registerActions).
  app.event(/^(?:message|reaction_added)$/, async ({ event, body }) => {
    if (event.type === 'message') {
      const e = event as unknown as MessageEvent;
      const bad = malformedMessage(e);
      if (bad) return refuse(body, 'message', bad);
      if (e.subtype === 'message_changed' || e.subtype === 'message_deleted') return onEditOrDelete(ctx, e);
      if (!HUMAN_SUBTYPES.has(e.subtype) || e.bot_id || !e.user || e.user === ctx.botUserId) return;
      await onHumanMessage(ctx, e);
      return;
    }
    const e = event as unknown as ReactionEvent;
    if (e.reaction !== 'ticket' || e.item?.type !== 'message' || e.user === ctx.botUserId) return;
    const bad = malformedReaction(e);
    if (bad) return refuse(body, 'reaction_added', bad);
    await onTicketReaction(ctx, e.item.channel as string, e.item.ts as string);
  });
}
