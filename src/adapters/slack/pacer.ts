import type { DeliveryPace } from '../../ports/chat.js';

/**
 * Spaces calls per channel so tierdesk stays under Slack's per-channel posting limit (about one
 * message per second, short bursts allowed). In memory on purpose — it only smooths this process's
 * own traffic; 429s from Slack are still honoured by the outbox. The outbox worker waits on it
 * before each call (SlackDelivery's `pace`), keyed by destination, one line per channel.
 *
 * A token bucket kept as a schedule (the generic cell rate algorithm): each call is given the
 * earliest send time the limit allows after the calls before it, and sleeps once until then. A
 * busy process therefore still sends at the full rate: calls whose times passed while the event
 * loop was busy go out together when it gets to them, instead of each polling for a token and
 * losing what accrued above the burst while it waited.
 */
export class ChannelPacer implements DeliveryPace {
  /** Per channel: the time the next call would be due if calls came steadily (ms). */
  private readonly due = new Map<string, number>();
  private readonly intervalMs: number;

  constructor(
    readonly perSecond = 1,
    private readonly burst = 4,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('ChannelPacer: rate and burst must be positive');
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when a call to `channel` may go out; calls to one channel go out in the order they came. */
  async wait(channel: string): Promise<void> {
    const t = this.now();
    const due = Math.max(this.due.get(channel) ?? t, t);
    const sendAt = Math.max(t, due - (this.burst - 1) * this.intervalMs);
    // Re-inserted, so the map's first key is the channel longest unused (dropped past 10,000).
    this.due.delete(channel);
    this.due.set(channel, due + this.intervalMs);
    if (this.due.size > 10_000) this.due.delete(this.due.keys().next().value!);
    if (sendAt > t) await this.sleep(sendAt - t);
  }
}
