import type { WebClient } from '@slack/web-api';
import type {
  ChatDelivery,
  DeliveryFailure,
  DeliveryOutcome,
  DeliveryPace,
  DeliveryRequest,
} from '../../ports/chat.js';
import type { OutboundBody } from '../../ports/outbound.js';
import { ChannelPacer } from './pacer.js';
import { renderCard, renderChannelMessage, renderDirectMessage, renderThreadReply } from './render.js';

/** How far Slack's clock may be behind ours when a look starts from the message's queue time. */
const CLOCK_MARGIN_MS = 5 * 60_000;
/** Pages of 200 a look reads at most (since the message was queued: usually one). */
const MAX_LOOKUP_PAGES = 10;

/** Stamped on every message tierdesk posts, so a retry can find what an uncertain attempt posted. */
export const METADATA_EVENT = 'tierdesk_outbox';

interface SlackMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** Platform errors that retrying cannot fix. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'no_permission',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
  'user_not_found',
  'cant_update_message',
  'restricted_action',
]);

/** Narrows a WebClient error to what the delivery worker needs to know. */
export function toFailure(err: unknown): DeliveryFailure {
  const e = err as {
    code?: string;
    retryAfter?: number;
    data?: { error?: string };
    statusCode?: number;
    message?: string;
  };
  if (e.code === 'slack_webapi_rate_limited_error')
    return { kind: 'rate_limited', retryAfterMs: (e.retryAfter ?? 1) * 1000, message: 'rate limited' };
  if (e.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown';
    if (code === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000, message: code };
    return PERMANENT.has(code) ? { kind: 'permanent', message: code } : { kind: 'transient', message: code };
  }
  // HTTP 5xx or a network error: Slack may have acted on the request before failing.
  return { kind: 'transient', message: `uncertain: ${e.message ?? String(err)}` };
}

export interface SlackDeliveryOptions {
  /** Workspace URL from auth.test (`https://acme.slack.com/`), for links to customer threads. */
  teamUrl: string | null;
  /** Per channel (default: one post a second, bursts of 4); the outbox worker waits on it. */
  pacer?: ChannelPacer;
  /**
   * A client of its own for direct messages (pages): a WebClient queues its calls, and pages must
   * not wait behind a round of card edits in that queue.
   */
  urgentClient?: WebClient;
}

/**
 * Delivers outbox messages through the Slack Web API, effectively once per idempotency key. Its
 * calls are paced by the outbox worker (`pace`), which waits before each one, so that a channel's
 * wait never takes one of the worker's call slots from another channel.
 */
export class SlackDelivery implements ChatDelivery {
  readonly platform = 'slack' as const;
  readonly pace: DeliveryPace;
  private readonly dms = new Map<string, string>();

  constructor(
    private readonly client: WebClient,
    private readonly opts: SlackDeliveryOptions,
  ) {
    this.pace = opts.pacer ?? new ChannelPacer();
  }

  async deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
    try {
      return { ok: true, ref: await this.send(req) };
    } catch (err) {
      return { ok: false, failure: toFailure(err) };
    }
  }

  /** The DM channel with a user (conversations.open is idempotent; cached, bounded). */
  private async dmChannel(userId: string): Promise<string | undefined> {
    const known = this.dms.get(userId);
    if (known) return known;
    const open = await (this.opts.urgentClient ?? this.client).conversations.open({ users: userId });
    const channel = (open.channel as { id?: string } | undefined)?.id;
    if (channel) {
      if (this.dms.size >= 10_000) this.dms.delete(this.dms.keys().next().value!);
      this.dms.set(userId, channel);
    }
    return channel;
  }

  /** `https://team.slack.com/archives/C123/p1772463600000100` */
  permalink(channelId: string, ts: string | null): string | null {
    if (!this.opts.teamUrl || !ts) return null;
    return `${this.opts.teamUrl}archives/${channelId}/p${ts.replace('.', '')}`;
  }

  private metadata(req: DeliveryRequest, extra: Record<string, unknown> = {}) {
    return { event_type: METADATA_EVENT, event_payload: { key: req.key, ...extra } };
  }

  private async send(req: DeliveryRequest): Promise<string | null> {
    const b = req.body;
    switch (b.kind) {
      case 'thread_reply':
        return this.post(req, b.channelId, b.threadRef, renderThreadReply(b.text));
      case 'ticket_root':
        // A top-level post; its ts is the ticket's thread from now on.
        return this.post(req, b.channelId, null, renderThreadReply(b.text));
      case 'channel_message':
        return this.post(req, b.channelId, null, renderChannelMessage(b, b.mentions));
      case 'direct_message': {
        const channel = await this.dmChannel(b.userId);
        const client = this.opts.urgentClient ?? this.client;
        if (!channel)
          throw Object.assign(new Error('no DM channel'), {
            code: 'slack_webapi_platform_error',
            data: { error: 'channel_not_found' },
          });
        return this.post(req, channel, null, renderDirectMessage(b), client);
      }
      case 'ticket_card':
        return this.card(req, b);
      case 'page_update':
        return this.editPage(req);
    }
  }

  /** Edits a page DM (`chat.update`) to show who acknowledged which of its pages. */
  private async editPage(req: DeliveryRequest): Promise<string | null> {
    if (!req.page) return null; // the DM never went out: nothing to edit
    const { original, ref, acknowledged } = req.page;
    const channel = await this.dmChannel(original.userId);
    if (!channel) return null;
    await (this.opts.urgentClient ?? this.client).chat.update({
      channel,
      ts: ref,
      ...renderDirectMessage(original, acknowledged),
    });
    return ref;
  }

  private async card(
    req: DeliveryRequest,
    b: Extract<OutboundBody, { kind: 'ticket_card' }>,
  ): Promise<string | null> {
    if (!req.card) return null; // the ticket is gone: nothing to show
    const { view, existingRef } = req.card;
    const thread = view.customerThread;
    const rendered = renderCard(view, { permalink: this.permalink(thread.channelId, thread.threadRef) });
    if (existingRef) {
      await this.client.chat.update({ channel: b.channelId, ts: existingRef, ...rendered });
      return existingRef;
    }
    if (req.uncertain) {
      const found = await this.findPosted(req, b.channelId, null, (p) => p.card === view.ticketId);
      if (found) return found;
    }
    const r = await this.client.chat.postMessage({
      channel: b.channelId,
      ...rendered,
      metadata: this.metadata(req, { card: view.ticketId }),
    });
    return (r.ts as string | undefined) ?? null;
  }

  private async post(
    req: DeliveryRequest,
    channel: string,
    threadTs: string | null,
    rendered: { text: string; blocks?: unknown[] },
    client: WebClient = this.client,
  ): Promise<string | null> {
    if (req.uncertain) {
      const found = await this.findPosted(req, channel, threadTs, (p) => p.key === req.key);
      if (found) return found;
    }
    const r = await client.chat.postMessage({
      channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(rendered as { text: string }),
      metadata: this.metadata(req),
    });
    return (r.ts as string | undefined) ?? null;
  }

  /**
   * Looks for a message an earlier, uncertain attempt may have posted (by its metadata), among those
   * posted since it was queued (less a margin for clocks that disagree), page by page: a thread of
   * hundreds of replies lists its oldest first, so one page of 200 would miss a new reply and post
   * it twice.
   */
  private async findPosted(
    req: DeliveryRequest,
    channel: string,
    threadTs: string | null,
    match: (payload: Record<string, unknown>) => boolean,
  ): Promise<string | null> {
    const oldest =
      req.queuedAt === undefined ? undefined : ((req.queuedAt - CLOCK_MARGIN_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_LOOKUP_PAGES; pages++) {
      const args = { channel, include_all_metadata: true, limit: 200, oldest, cursor };
      const r = threadTs
        ? await this.client.conversations.replies({ ...args, ts: threadTs })
        : await this.client.conversations.history(args);
      const hit = ((r.messages ?? []) as SlackMessage[]).find(
        (m) =>
          m.metadata?.event_type === METADATA_EVENT &&
          m.metadata.event_payload &&
          match(m.metadata.event_payload),
      );
      if (hit?.ts) return hit.ts;
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!r.has_more || !cursor) return null;
    }
    return null;
  }
}
