/**
 * Spaces calls per channel so tierdesk stays under Slack's per-channel posting limit (about one
 * message per second, short bursts allowed): a token bucket per channel. In memory on purpose —
 * it only smooths this process's own traffic; 429s from Slack are still honoured by the outbox.
 */
export class ChannelPacer {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond = 1,
    private readonly burst = 4,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async wait(channel: string): Promise<void> {
    for (;;) {
      const t = this.now();
      const b = this.buckets.get(channel) ?? { tokens: this.burst, at: t };
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
      b.at = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        this.buckets.set(channel, b);
        if (this.buckets.size > 10_000) this.buckets.delete(this.buckets.keys().next().value!);
        return;
      }
      this.buckets.set(channel, b);
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - b.tokens) / this.perSecond) * 1000)));
    }
  }
}
