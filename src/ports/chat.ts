import type { Platform, Priority } from '../domain/policy.js';
import type { ClockKind } from '../domain/sla/types.js';
import type { TicketStatus } from '../domain/ticket.js';
import type { OutboundBody } from './outbound.js';

/** One SLA clock as a card shows it. Texts are ready to display ("first response in 12 min"). */
export interface CardClock {
  clock: ClockKind;
  state: 'running' | 'paused' | 'met' | 'breached' | 'stopped';
  dueAt: number | null;
  /** Epoch ms a breached clock breached: its deadline, or a later change that moved the deadline past. */
  breachedAt?: number;
  text: string;
}

/**
 * Everything a ticket card shows, platform-neutral; the app builds it from the store at delivery
 * time so a card always shows the ticket as it is now.
 */
export interface TicketCardView {
  ticketId: number;
  subject: string;
  /** The customer's text, trimmed to a few hundred characters. */
  excerpt: string;
  organization: string;
  tier: string;
  tierLabel: string;
  priority: Priority;
  domain: string;
  status: TicketStatus;
  queueLabel: string;
  requesterName: string;
  /** Platform user id of the assignee on the card's platform, for a mention; name otherwise. */
  assignee: { name: string; platformUserId: string | null } | null;
  customerThread: { platform: Platform; channelId: string; threadRef: string | null };
  clocks: CardClock[];
  /** One line, e.g. "first response breached 8 min ago" or "first response in 12 min". */
  slaSummary: string;
  /** Why routed here (triage and routing reasons). */
  reasons: string[];
  /** The ticket's latest escalation, if it ever had one. */
  escalation: {
    level: string | null;
    status: string;
    /** The card's line: "paging level 1, Primary on-call", "acknowledged by Jun Watanabe 10:40 UTC". */
    text: string;
  } | null;
}

type DirectMessageBody = Extract<OutboundBody, { kind: 'direct_message' }>;

/** A page DM as it must look now, for a `page_update`. */
export interface PageDmView {
  /** The DM as it was first sent. */
  original: DirectMessageBody;
  /** Where the platform has it (Slack ts, Discord message id, sandbox message id). */
  ref: string;
  /** Its acknowledged pages, by ticket, with their line: "acknowledged by Jun Watanabe 10:40 UTC". */
  acknowledged: Array<{ ticketId: number; text: string }>;
}

/** Why a delivery failed, as the delivery worker needs to know it. */
export type DeliveryFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; message: string }
  | { kind: 'transient'; message: string }
  | { kind: 'permanent'; message: string };

export type DeliveryOutcome =
  | {
      ok: true /** The platform's id of the posted message (Slack ts, Discord id), when one was posted. */;
      ref: string | null;
    }
  | { ok: false; failure: DeliveryFailure };

export interface DeliveryRequest {
  /** The outbox idempotency key; adapters stamp it on what they post so a retry can find it. */
  key: string;
  body: OutboundBody;
  /** For `ticket_card`: the card as it must look now, and the ref of the card if already posted. */
  card: { view: TicketCardView; existingRef: string | null } | null;
  /** For `page_update`: the DM to edit as it must look now; null when it was never posted (nothing to edit). */
  page?: PageDmView | null;
  /** True when an earlier attempt may have reached the platform (crash or timeout mid-call). */
  uncertain: boolean;
  /**
   * When the message was queued (epoch ms): an uncertain attempt cannot have posted it earlier, so
   * a look for it starts there. Absent: look through everything.
   */
  queuedAt?: number;
}

/**
 * A platform's limit on calls to one destination (a channel, or one person's direct messages):
 * Slack takes about one message a second per channel. Each destination has a pace of its own, so
 * a busy channel never holds up a quiet one.
 */
export interface DeliveryPace {
  /** Calls a second one destination sustains (short bursts may go faster). */
  readonly perSecond: number;
  /** Resolves when a call to `destination` may go out; calls to one destination go in the order they asked. */
  wait(destination: string): Promise<void>;
}

/** A chat platform's outbound side. Implementations live in src/adapters/<platform>/. */
export interface ChatDelivery {
  readonly platform: Platform;
  /**
   * The delivery worker waits for it before each call to `deliver`, outside its bound of calls in
   * flight, and takes no more for one destination than its pace sends within a few seconds.
   * Absent: the platform client paces itself (discord.js) or nothing needs pacing.
   */
  readonly pace?: DeliveryPace;
  deliver(req: DeliveryRequest): Promise<DeliveryOutcome>;
}
