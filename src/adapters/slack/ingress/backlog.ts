/** Events handed to the bot and not yet both handled and recorded, past which answers are held. */
export const MAX_OPEN = 256;
/** The longest an answer is held: Slack retries what is not answered within 3 s. */
export const MAX_HOLD_MS = 2_000;

/**
 * Backpressure. The ingress answers Slack before the bot handles an event, so without a bound a
 * flood would pile up in the bot's memory, unhandled or unrecorded (a slow database). Past MAX_OPEN
 * such events the ingress holds each answer (the event is already journaled) until the bot catches
 * up, for up to MAX_HOLD_MS: Slack then slows down to the bot's pace, since it sends each
 * connection's next event only after the answer.
 */
export class Backlog {
  private readonly open = new Set<number>();
  private waiting: Array<() => void> = [];
  /** Answers let go of but whose events are not yet opened(): their room is taken. */
  private reserved = 0;

  constructor(private readonly max = MAX_OPEN) {}

  get size(): number {
    return this.open.size;
  }

  opened(seq: number): void {
    this.open.add(seq);
    if (this.reserved > 0) this.reserved -= 1;
  }

  settled(seq: number): void {
    if (!this.open.delete(seq)) return;
    while (this.open.size + this.reserved < this.max && this.waiting.length > 0) {
      this.reserved += 1;
      this.waiting.shift()!();
    }
  }

  /** Resolves at once while there is room; otherwise when there is, or after MAX_HOLD_MS. */
  room(): Promise<void> {
    if (this.open.size + this.reserved < this.max) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== go);
        resolve();
      }, MAX_HOLD_MS);
      const go = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.push(go);
    });
  }
}
