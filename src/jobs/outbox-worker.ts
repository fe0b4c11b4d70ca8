import { DEFAULT_DELIVERY, type DeliveryOptions, deliverDue, nextDeliveryAt } from '../app/deliver-outbox.js';
import type { AppDeps } from '../app/deps.js';
import type { Platform } from '../domain/policy.js';
import type { ChatDelivery } from '../ports/chat.js';
import type { OutboxLane } from '../ports/store.js';

/** One delivery loop: runs rounds while there is work, sleeps until the next due retry or a wake. */
class Lane {
  private timer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly lane: OutboxLane,
    private readonly deps: AppDeps,
    private readonly deliveries: ReadonlyMap<Platform, ChatDelivery>,
    private readonly opts: DeliveryOptions & { idleMs: number },
    private readonly running: () => boolean,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  done(): Promise<void> {
    this.wake();
    return this.loop ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    while (this.running()) {
      this.woken = false;
      try {
        const round = await deliverDue(this.deps, this.deliveries, this.opts, this.lane);
        if (round.claimed > 0) continue;
        const next = await nextDeliveryAt(this.deps, this.deliveries, this.lane);
        const wait =
          next === null
            ? this.opts.idleMs
            : Math.min(this.opts.idleMs, Math.max(0, next - this.deps.clock.now()));
        await this.sleep(wait);
      } catch (err) {
        this.deps.logger.error({ err, lane: this.lane }, 'outbox round failed');
        await this.sleep(this.opts.idleMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running()) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeUp = () => {
        if (this.timer) clearTimeout(this.timer);
        this.wakeUp = null;
        resolve();
      };
      this.timer = setTimeout(() => this.wakeUp?.(), ms);
    });
  }
}

/**
 * Delivers the outbox continuously: right after a change (wake), and at the next due retry. Two
 * lanes run side by side, so pages (urgent) never wait behind a round of card edits. State lives
 * in Postgres, so any replica can run one and a restart loses nothing.
 */
export class OutboxWorker {
  private running = false;
  private readonly lanes: Lane[];

  constructor(
    deps: AppDeps,
    private readonly deliveries: ReadonlyMap<Platform, ChatDelivery>,
    opts: DeliveryOptions & { idleMs: number } = { ...DEFAULT_DELIVERY, idleMs: 1000 },
  ) {
    this.lanes = (['urgent', 'normal'] as const).map(
      (l) => new Lane(l, deps, deliveries, opts, () => this.running),
    );
  }

  start(): void {
    if (this.running || this.deliveries.size === 0) return;
    this.running = true;
    for (const l of this.lanes) l.start();
  }

  /** Something was queued: deliver now instead of at the next idle check. */
  wake(): void {
    for (const l of this.lanes) l.wake();
  }

  /** Stops taking work and waits for the rounds in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes.map((l) => l.done()));
  }
}
