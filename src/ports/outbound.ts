import type { Platform } from '../domain/policy.js';

/**
 * What a chat adapter delivers. Written to the outbox in the transaction that caused it; the
 * adapter of `platform` renders and sends it after commit. Platform-neutral: ids are the
 * platform's own (channel id, thread ts / thread id, user id).
 */
export type OutboundBody =
  /**
   * A reply in the customer's thread. `threadRef` null: the ticket's thread is not known yet (a
   * ticket opened by a command, whose root message is still to be posted); delivery reads it from
   * the ticket, after the root (same ordering key).
   */
  | { kind: 'thread_reply'; channelId: string; threadRef: string | null; text: string; ticketId: number }
  /**
   * The top-level message in the customer channel under which a ticket opened by a command (no
   * customer message to reply to) keeps its thread; its platform ref becomes the ticket's thread.
   * Slack threads under it; Discord starts a thread named `title` on it (a forum: a post).
   */
  | { kind: 'ticket_root'; channelId: string; ticketId: number; title: string; text: string }
  /** Post the ticket's card in its queue channel, or edit it in place once posted. Rendered from the ticket at delivery. */
  | { kind: 'ticket_card'; channelId: string; ticketId: number }
  /** A notice in a channel (queue warnings, pages), optionally in the card's thread. */
  | {
      kind: 'channel_message';
      channelId: string;
      text: string;
      /** Platform user ids to mention. */
      mentions: string[];
      ticketId: number | null;
      inCardThread: boolean;
    }
  /**
   * A direct message; `acknowledge` adds an Acknowledge button for an escalation page. Several
   * pages at once (a flood) share one message: `pages` lists them, one Acknowledge button each,
   * `text` is all of it as plain text, and `ticketId` is null.
   */
  | {
      kind: 'direct_message';
      userId: string;
      text: string;
      ticketId: number | null;
      actions: Array<'acknowledge'>;
      pages?: Array<{ ticketId: number; text: string; escalationId?: number }>;
      /** The escalation a page alone belongs to (absent in DMs queued before it was recorded). */
      escalationId?: number;
    }
  /**
   * Edits a page DM already sent (outbox key `pageKey`) so that each of its acknowledged pages
   * says who acknowledged it and when, in place of its Acknowledge button; the other pages of a
   * shared DM keep theirs. Rendered at delivery from the escalations as they are then, so the edits
   * of two tickets of one DM never undo each other. Queued behind the DM (same ordering key);
   * `userId` is the DM's recipient, whose DMs' pace it counts against.
   */
  | { kind: 'page_update'; pageKey: string; userId: string; ticketId: number };

export interface OutboundMessage {
  /** Unique per intended delivery; enqueueing the same key twice delivers once. */
  key: string;
  platform: Platform;
  /** Messages sharing a key are delivered in enqueue order (e.g. `ticket:42`). */
  orderingKey: string;
  /** `urgent` (pages) go out before everything else that is due. Default `normal`. */
  priority?: 'urgent' | 'normal';
  body: OutboundBody;
}
