import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import type { ChatDelivery, DeliveryFailure, DeliveryOutcome, DeliveryRequest } from '../../ports/chat.js';
import type { OutboundBody } from '../../ports/outbound.js';
import { renderCard, renderDirectMessage, renderText } from './render.js';

/** Discord error codes retrying cannot fix. */
const PERMANENT = new Set([10003, 10008, 10013, 50001, 50007, 50013, 50035, 160002]);
const UNKNOWN_CHANNEL = 10003;
const THREAD_EXISTS = 160004;

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

/** Delivers outbox messages through Discord's REST API (rate limits handled by @discordjs/rest). */
export class DiscordDelivery implements ChatDelivery {
  readonly platform = 'discord' as const;
  private readonly dms = new Map<string, string>();

  constructor(
    private readonly rest: REST,
    /** The guild of a channel (from the client's cache), for links to customer threads. */
    private readonly guildOf: (channelId: string) => string | null = () => null,
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
      case 'channel_message':
        return (await this.post(b.channelId, renderText(b.text, b.mentions), req.key)).id;
      case 'direct_message':
        return (await this.post(await this.dmChannel(b.userId), renderDirectMessage(b), req.key)).id;
      case 'ticket_card': {
        if (!req.card) return null;
        const { view, existingRef } = req.card;
        const t = view.customerThread;
        const guild = this.guildOf(t.channelId);
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
   * Replies in the ticket's thread. A thread started from a message has that message's id, so the
   * thread is created on first use (and "already created" just means another attempt did it).
   */
  private async threadReply(
    req: DeliveryRequest,
    b: Extract<OutboundBody, { kind: 'thread_reply' }>,
  ): Promise<string> {
    const thread = b.threadRef ?? b.channelId;
    try {
      return (await this.post(thread, renderText(b.text), req.key)).id;
    } catch (err) {
      if (codeOf(err) !== UNKNOWN_CHANNEL || !b.threadRef) throw err;
    }
    try {
      await this.rest.post(Routes.threads(b.channelId, b.threadRef), {
        body: { name: `Ticket #${b.ticketId}`, auto_archive_duration: 10080 },
      });
    } catch (err) {
      if (codeOf(err) !== THREAD_EXISTS) throw err;
    }
    return (await this.post(b.threadRef, renderText(b.text), req.key)).id;
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
