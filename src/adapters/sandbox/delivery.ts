import type { ChatDelivery, DeliveryOutcome, DeliveryRequest } from '../../ports/chat.js';
import type { Clock } from '../../ports/clock.js';
import type { OutboundBody } from '../../ports/outbound.js';
import type { SandboxMessage, SandboxRepository } from '../../ports/sandbox.js';
import type { SandboxHub } from './hub.js';

/** The bot's author name in the sandbox. */
export const BOT = 'tierdesk';

/** The channel of a direct message with a sandbox identity. */
export const dmChannel = (handle: string) => `@${handle}`;

/** What the page needs besides a DM's text: its Acknowledge buttons, one per page. */
function dmPayload(b: Extract<OutboundBody, { kind: 'direct_message' }>): Record<string, unknown> | null {
  return b.actions.length ? { actions: b.actions, ...(b.pages ? { pages: b.pages } : {}) } : null;
}

/**
 * Delivers outbox messages into the sandbox workspace (rows in Postgres, pushed to browsers).
 * Each row carries its outbox key, so a retried delivery finds its first attempt instead of
 * posting again.
 */
export class SandboxDelivery implements ChatDelivery {
  readonly platform = 'sandbox' as const;

  constructor(
    private readonly store: SandboxRepository,
    private readonly hub: SandboxHub,
    private readonly clock: Clock,
  ) {}

  async deliver(req: DeliveryRequest): Promise<DeliveryOutcome> {
    try {
      const message = await this.send(req);
      if (message) this.hub.publish({ type: 'message', message });
      return { ok: true, ref: message ? String(message.id) : null };
    } catch (err) {
      return { ok: false, failure: { kind: 'transient', message: (err as Error).message } };
    }
  }

  private async post(
    req: DeliveryRequest,
    m: Pick<SandboxMessage, 'channel' | 'threadId' | 'text' | 'payload' | 'ticketId'>,
  ): Promise<SandboxMessage> {
    const r = await this.store.insert({ ...m, author: BOT, outboxKey: req.key, createdAt: this.clock.now() });
    return r.message;
  }

  private async send(req: DeliveryRequest): Promise<SandboxMessage | null> {
    const b = req.body;
    switch (b.kind) {
      case 'thread_reply': {
        const root = Number(b.threadRef);
        return this.post(req, {
          channel: b.channelId,
          threadId: Number.isSafeInteger(root) && root > 0 ? root : null,
          text: b.text,
          payload: null,
          ticketId: b.ticketId,
        });
      }
      case 'ticket_root':
        // A room message by the bot; replies to the ticket thread under it (threadId = its id).
        return this.post(req, {
          channel: b.channelId,
          threadId: null,
          text: b.text,
          payload: null,
          ticketId: b.ticketId,
        });
      case 'channel_message':
        return this.post(req, {
          channel: b.channelId,
          threadId: null,
          text: b.text,
          payload: b.mentions.length ? { mentions: b.mentions } : null,
          ticketId: b.ticketId,
        });
      case 'direct_message':
        return this.post(req, {
          channel: dmChannel(b.userId),
          threadId: null,
          text: b.text,
          payload: dmPayload(b),
          ticketId: b.ticketId,
        });
      case 'page_update': {
        // The page shows who acknowledged it in place of its button (see web/message.ts).
        if (!req.page) return null;
        const { original, ref, acknowledged } = req.page;
        return this.store.update(
          Number(ref),
          { text: original.text, payload: { ...dmPayload(original), acknowledged } },
          this.clock.now(),
        );
      }
      case 'ticket_card': {
        if (!req.card) return null; // the ticket is gone
        const { view, existingRef } = req.card;
        const text = `#${view.ticketId} · ${view.tierLabel} · ${view.priority} · ${view.domain} — ${view.subject}`;
        const payload = { card: view };
        if (existingRef) {
          const edited = await this.store.update(Number(existingRef), { text, payload }, this.clock.now());
          if (edited) return edited;
        }
        return this.post(req, {
          channel: b.channelId,
          threadId: null,
          text,
          payload,
          ticketId: view.ticketId,
        });
      }
    }
  }
}
