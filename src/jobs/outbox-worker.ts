import { DEFAULT_DELIVERY, type DeliveryOptions, nextDeliveryAt } from '../app/delivery/deliver-outbox.js';
import { DeliveryLane } from '../app/delivery/delivery-lane.js';
import type { AppDeps } from '../app/deps.js';
import type { Platform } from '../domain/policy.js';
import type { ChatDelivery } from '../ports/chat.js';
import type { OutboxLane } from '../ports/store.js';

/**
 * One delivery loop: claims while there is work (each destination's line then sends at its own
 * pace), and sleeps until the next due retry, a wake, a line through or outcomes written.
 */
class Lane {
  private timer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;
  /** The last claim found work: more is probably waiting. */
  private backlog = false;
  private idleWaiters: Array<() => void> = [];
  private readonly delivery: DeliveryLane;

  constructor(
    private readonly lane: OutboxLane,
    private readonly deps: AppDeps,
    private readonly deliveries: ReadonlyMap<Platform, ChatDelivery>,
    private readonly opts: DeliveryOptions & { idleMs: number },
    private readonly running: () => boolean,
    /**
     * Awaited before each claim: lets a more urgent lane have the process first. False: that lane
     * is still backed up, and this claim takes at most `BACKED_UP_CLAIM` messages.
     */
    private readonly yieldTo: (() => Promise<boolean>) | null = null,
  ) {
    this.delivery = new DeliveryLane(deps, deliveries, opts, lane, () => this.wake());
  }

  /**
   * Resolves once this lane has no backlog (true), or after `maxMs` with the backlog still there
   * (false), so a waiting lane never starves.
   */
  drained(maxMs: number): Promise<boolean> {
    if (!this.backlog || !this.running()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), maxMs);
      const finish = (drained: boolean) => {
        clearTimeout(timer);
        resolve(drained);
      };
      this.idleWaiters.push(() => finish(true));
    });
  }

  private setBacklog(backlog: boolean): void {
    this.backlog = backlog;
    if (!backlog) for (const w of this.idleWaiters.splice(0)) w();
  }

  start(): void {
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async done(): Promise<void> {
    this.wake();
    this.setBacklog(false);
    await this.loop;
    await this.delivery.stop();
  }

  private async run(): Promise<void> {
    while (this.running()) {
      this.woken = false;
      try {
        const calm = this.yieldTo ? await this.yieldTo() : true;
        const limit = calm ? this.opts.batchSize : Math.min(this.opts.batchSize, BACKED_UP_CLAIM);
        const claimed = await this.delivery.claim(limit);
        this.setBacklog(claimed > 0);
        if (claimed > 0) continue;
        // While lines are held, what is due is mostly for their destinations, claimed when a line is
        // through or outcomes are written (each wakes this loop), and the next due time would be
        // now; otherwise sleep until the next message falls due.
        await this.sleep(this.delivery.holding > 0 ? this.opts.idleMs : await this.untilNextDue());
      } catch (err) {
        this.setBacklog(false);
        this.deps.logger.error({ err, lane: this.lane }, 'outbox claim failed');
        await this.sleep(this.opts.idleMs);
      }
    }
  }

  private async untilNextDue(): Promise<number> {
    const next = await nextDeliveryAt(this.deps, this.deliveries, this.lane);
    return next === null
      ? this.opts.idleMs
      : Math.min(this.opts.idleMs, Math.max(0, next - this.deps.clock.now()));
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

/** How long the normal lane defers to a backlog of pages before it claims anyway. */
const URGENT_FIRST_MAX_MS = 2_000;
/**
 * The most a normal claim takes while pages are still backed up: a small one, so that card edits
 * and notices keep moving without taking the process from the pages for long.
 */
const BACKED_UP_CLAIM = 25;

/**
 * Delivers the outbox continuously: right after a change (wake), and at the next due retry, each
 * destination at its own pace (see DeliveryLane). Two lanes, so pages (urgent) never wait behind
 * card edits; while pages are backed up (a flood of breaches), the normal lane defers to them (up
 * to 2 s, then a claim of at most 25), because on a busy process every notice and card edit
 * delivered is CPU a page did not get. State lives in Postgres, so any replica can run one and a
 * restart loses nothing.
 */
export class OutboxWorker {
  private running = false;
  private readonly lanes: Lane[];

  constructor(
    deps: AppDeps,
    private readonly deliveries: ReadonlyMap<Platform, ChatDelivery>,
    opts: DeliveryOptions & { idleMs: number } = { ...DEFAULT_DELIVERY, idleMs: 1000 },
  ) {
    const urgent = new Lane('urgent', deps, deliveries, opts, () => this.running);
    const normal = new Lane(
      'normal',
      deps,
      deliveries,
      opts,
      () => this.running,
      () => urgent.drained(URGENT_FIRST_MAX_MS),
    );
    this.lanes = [urgent, normal];
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

  /** Stops taking work, waits for the calls in flight, and gives back what was claimed but not sent. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes.map((l) => l.done()));
  }
}
