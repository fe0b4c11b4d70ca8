import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import type { ChatDelivery, DeliveryFailure, DeliveryOutcome, DeliveryRequest } from '../../ports/chat.js';
import type { OutboundBody } from '../../ports/outbound.js';
import { clip, renderCard, renderDirectMessage, renderText } from './render.js';

/** Discord error codes retrying cannot fix. */
const PERMANENT = new Set([10003, 10008, 10013, 50001, 50007, 50013, 50035, 160002]);
const UNKNOWN_CHANNEL = 10003;
const THREAD_EXISTS = 160004;
/** Discord's limit on a thread's name. */
const THREAD_NAME_MAX = 100;

/**
 * The outbox key as a Discord message nonce (25 characters at most). With `enforce_nonce`, Discord
 * returns the message already created with the same nonce instead of posting it again, so a retry
 * after a crash mid-call never doubles a message.
 */
export function nonceOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}

/** Narrows @discordjs/rest errors to what the delivery worker needs to know. */
export function toFailure(err: unknown): DeliveryFailure {
  if (err instanceof RateLimitError)
    return { kind: 'rate_limited', retryAfterMs: err.retryAfter, message: 'rate limited' };
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : Number(err.code);
    if (err.status === 429) return { kind: 'rate_limited', retryAfterMs: 1000, message: err.message };
    if (PERMANENT.has(code) || (err.status >= 400 && err.status < 500))
      return { kind: 'permanent', message: `${code}: ${err.message}` };
    return { kind: 'transient', message: `uncertain: ${err.status} ${err.message}` };
  }
  if (err instanceof HTTPError)
    return { kind: 'transient', message: `uncertain: ${err.status} ${err.message}` };
  return { kind: 'transient', message: `uncertain: ${(err as Error).message ?? String(err)}` };
}

function codeOf(err: unknown): number | null {
  return err instanceof DiscordAPIError ? Number(err.code) : null;
}

/** What the gateway client knows about channels (its cache); a REST-only delivery knows nothing. */
export interface DiscordChannels {
  /** The guild of a channel, for links to customer threads. */
  guildOf(channelId: string): string | null;
  /** Whether the channel (a thread) exists as far as the gateway told us. */
  exists(channelId: string): boolean;
  /** Whether a channel is a forum (or media) channel, whose threads are its posts. */
  isForum(channelId: string): boolean;
}

const UNKNOWN: DiscordChannels = { guildOf: () => null, exists: () => false, isForum: () => false };
/** Threads this process created, remembered so a reply does not wait for the gateway's THREAD_CREATE. */
const MAX_REMEMBERED_THREADS = 10_000;

/** Delivers outbox messages through Discord's REST API (rate limits handled by @discordjs/rest). */
export class DiscordDelivery implements ChatDelivery {
  readonly platform = 'discord' as const;
  private readonly dms = new Map<string, string>();
  private readonly threads = new Set<string>();

  constructor(
    private readonly rest: REST,
    private readonly channels: DiscordChannels = UNKNOWN,
  ) {}

  async deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
    try {
      return { ok: true, ref: await this.send(req) };
    } catch (err) {
      return { ok: false, failure: toFailure(err) };
    }
  }

  private post(channelId: string, body: object, key: string): Promise<{ id: string }> {
    return this.rest.post(Routes.channelMessages(channelId), {
      body: { ...body, nonce: nonceOf(key), enforce_nonce: true },
    }) as Promise<{ id: string }>;
  }

  private async send(req: DeliveryRequest): Promise<string | null> {
    const b = req.body;
    switch (b.kind) {
      case 'thread_reply':
        return this.threadReply(req, b);
      case 'ticket_root':
        return this.root(req, b);
      case 'channel_message':
        return (await this.post(b.channelId, renderText(b.text, b.mentions), req.key)).id;
      case 'direct_message':
        return (await this.post(await this.dmChannel(b.userId), renderDirectMessage(b), req.key)).id;
      case 'ticket_card': {
        if (!req.card) return null;
        const { view, existingRef } = req.card;
        const t = view.customerThread;
        const guild = this.channels.guildOf(t.channelId);
        const link = guild && t.threadRef ? `https://discord.com/channels/${guild}/${t.threadRef}` : null;
        const rendered = renderCard(view, { threadLink: link });
        if (existingRef) {
          await this.rest.patch(Routes.channelMessage(b.channelId, existingRef), { body: rendered });
          return existingRef;
        }
        return (await this.post(b.channelId, rendered, req.key)).id;
      }
      case 'page_update':
        return this.editPage(req);
    }
  }

  /** Edits a page DM to show who acknowledged which of its pages (their buttons go). */
  private async editPage(req: DeliveryRequest): Promise<string | null> {
    if (!req.page) return null; // the DM never went out: nothing to edit
    const { original, ref, acknowledged } = req.page;
    const channel = await this.dmChannel(original.userId);
    await this.rest.patch(Routes.channelMessage(channel, ref), {
      body: renderDirectMessage(original, acknowledged),
    });
    return ref;
  }

  /**
   * Replies in the ticket's thread. A thread started from a message has that message's id and is
   * created with the ticket's first reply: when the thread is not known to exist, it is created
   * first (one call fewer than posting into it, getting a 404, then creating it; "already created"
   * means it exists after all). A known thread, or a forum post (the thread is the post), is posted
   * to directly, and created only if Discord says it is missing.
   */
  private async threadReply(
    req: DeliveryRequest,
    b: Extract<OutboundBody, { kind: 'thread_reply' }>,
  ): Promise<string> {
    const thread = b.threadRef;
    if (!thread) return (await this.post(b.channelId, renderText(b.text), req.key)).id;
    const known =
      this.threads.has(thread) || this.channels.exists(thread) || this.channels.isForum(b.channelId);
    if (!known) await this.startThread(b.channelId, thread, b.ticketId);
    try {
      return (await this.post(thread, renderText(b.text), req.key)).id;
    } catch (err) {
      if (!known || codeOf(err) !== UNKNOWN_CHANNEL) throw err;
    }
    await this.startThread(b.channelId, thread, b.ticketId);
    return (await this.post(thread, renderText(b.text), req.key)).id;
  }

  /** Creates the thread on message `messageId`; one that already exists is just as good. */
  private async startThread(channelId: string, messageId: string, ticketId: number): Promise<void> {
    try {
      await this.rest.post(Routes.threads(channelId, messageId), {
        body: { name: `Ticket #${ticketId}`, auto_archive_duration: 10080 },
      });
    } catch (err) {
      if (codeOf(err) !== THREAD_EXISTS) throw err;
    }
    this.remember(messageId);
  }

  /** Threads this process created, so their replies skip the existence check (bounded). */
  private remember(threadId: string): void {
    if (this.threads.size >= MAX_REMEMBERED_THREADS) this.threads.delete(this.threads.values().next().value!);
    this.threads.add(threadId);
  }

  /**
   * The message a command's ticket hangs from, with its thread started on it at once (the thread
   * takes the message's id, which becomes the ticket's thread). In a forum the root is a post.
   */
  private async root(
    req: DeliveryRequest,
    b: Extract<OutboundBody, { kind: 'ticket_root' }>,
  ): Promise<string> {
    const name = clip(b.title, THREAD_NAME_MAX);
    if (this.channels.isForum(b.channelId)) {
      const post = (await this.rest.post(Routes.threads(b.channelId), {
        body: { name, auto_archive_duration: 10080, message: renderText(b.text) },
      })) as { id: string };
      return post.id;
    }
    const posted = await this.post(b.channelId, renderText(b.text), req.key);
    try {
      await this.rest.post(Routes.threads(b.channelId, posted.id), {
        body: { name, auto_archive_duration: 10080 },
      });
    } catch (err) {
      if (codeOf(err) !== THREAD_EXISTS) throw err;
    }
    this.remember(posted.id);
    return posted.id;
  }

  private async dmChannel(userId: string): Promise<string> {
    const known = this.dms.get(userId);
    if (known) return known;
    const dm = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as {
      id: string;
    };
    if (this.dms.size >= 10_000) this.dms.delete(this.dms.keys().next().value!);
    this.dms.set(userId, dm.id);
    return dm.id;
  }
}
