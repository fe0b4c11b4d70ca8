import type { Platform } from '../../domain/policy.js';
import type { ChatDelivery, DeliveryRequest } from '../../ports/chat.js';
import type { ClaimedMessage, OutboxLane } from '../../ports/store.js';
import type { AppDeps } from '../deps.js';
import {
  attempt,
  claimDue,
  DEFAULT_CONCURRENCY,
  type DeliveryOptions,
  type EditViews,
  editViews,
  NO_THREAD,
  type Outcome,
  recordOutcomes,
  requestFor,
} from './deliver-outbox.js';

/**
 * The part of a lease a call may take: the adapters' call timeout is 10 s of the default 15 s. A
 * message whose turn comes with less of its lease left goes back unsent, since another replica
 * may take it once the lease is over and post it a second time.
 */
const CALL_SHARE = 2 / 3;

/** A counting semaphore, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((r) => this.waiting.push(r));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/**
 * Outcomes written together start at least this far apart (ms), unless many wait: under steady
 * traffic a transaction then carries what came meanwhile instead of one outcome, and a lone
 * message's outcome is still written at once.
 */
const RECORD_EVERY_MS = 25;
const RECORD_AT_ONCE = 100;

/**
 * Writes outcomes as they come, one transaction at a time, those that came meanwhile together (a
 * group commit), so that a flood of sends costs a few dozen transactions a second.
 */
class Recorder {
  private batch: Outcome[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private lastStart = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly deps: AppDeps,
    private readonly opts: DeliveryOptions,
    private readonly lane: OutboxLane,
    private readonly written: (n: number) => void,
  ) {}
  add(o: Outcome): void {
    this.batch.push(o);
    this.schedule();
  }
  private schedule(): void {
    if (this.writing || this.batch.length === 0) return;
    const wait = this.lastStart + RECORD_EVERY_MS - performance.now();
    if (wait > 0 && this.batch.length < RECORD_AT_ONCE) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.schedule();
      }, wait);
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = true;
    void this.flush();
  }
  private async flush(): Promise<void> {
    this.lastStart = performance.now();
    const outcomes = this.batch.splice(0);
    try {
      await recordOutcomes(this.deps, outcomes, this.opts);
      const ms = Math.round(performance.now() - this.lastStart);
      this.deps.logger.debug({ lane: this.lane, outcomes: outcomes.length, ms }, 'outbox outcomes written');
    } catch (err) {
      // Left leased: after the lease another attempt looks for what this one may have posted.
      this.deps.logger.error({ err, outcomes: outcomes.length }, 'recording outbox outcomes failed');
    }
    this.writing = false;
    this.written(outcomes.length);
    this.schedule();
  }
}

/**
 * One lane of outbox delivery in this process, destination by destination. A claim takes a few
 * messages for each destination it does not already hold (what its pace sends in a few seconds);
 * each destination then has a line of its own that waits for its own pace and takes a call slot
 * only to send, so a busy channel never holds up a quiet one, and a destination gets its next
 * messages as soon as its line is through instead of when every other line is. Outcomes are
 * written as they come, so a ticket's next message (only a message's successor in its ticket waits
 * for it) can be claimed at once.
 */
export class DeliveryLane {
  /** Per destination: claimed messages not yet handed to the platform, oldest first. */
  private readonly lines = new Map<string, Array<{ m: ClaimedMessage; views: EditViews }>>();
  private readonly slots: Slots;
  private readonly recorder: Recorder;
  private held = 0;
  /** Outcomes of this lane's attempts so far (a message given back unsent is neither). */
  readonly attempts = { sent: 0, failed: 0 };
  private stopping = false;
  private settledWaiters: Array<() => void> = [];

  constructor(
    private readonly deps: AppDeps,
    private readonly deliveries: ReadonlyMap<Platform, ChatDelivery>,
    private readonly opts: DeliveryOptions,
    private readonly lane: OutboxLane,
    /** Called when a line is through or outcomes are written: more may be claimable now. */
    private readonly progress: () => void,
  ) {
    this.slots = new Slots(opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.recorder = new Recorder(deps, opts, lane, (n) => {
      this.held -= n;
      if (this.held === 0) for (const w of this.settledWaiters.splice(0)) w();
      progress();
    });
  }

  /** Messages claimed and not yet recorded. */
  get holding(): number {
    return this.held;
  }

  /** Claims up to `limit` due messages for destinations without a line, and starts their lines. */
  async claim(limit: number): Promise<number> {
    if (this.stopping) return 0;
    const claimed = await claimDue(this.deps, this.deliveries, this.opts, this.lane, limit, [
      ...this.lines.keys(),
    ]);
    if (claimed.length === 0) return 0;
    this.held += claimed.length;
    // Pages and replies go out at once; card and page edits first need their views built
    // (concurrently), each awaited by the send that needs it, which handles a failure.
    const views = editViews(this.deps, claimed);
    for (const m of claimed) {
      const line = this.lines.get(m.destination);
      if (line) line.push({ m, views });
      else {
        this.lines.set(m.destination, [{ m, views }]);
        void this.drain(m.destination, m.platform);
      }
    }
    this.deps.logger.debug(
      { lane: this.lane, claimed: claimed.length, lines: this.lines.size, held: this.held },
      'outbox claim',
    );
    return claimed.length;
  }

  /** Resolves once every message held is recorded or given back. */
  settled(): Promise<void> {
    if (this.held === 0) return Promise.resolve();
    return new Promise((r) => this.settledWaiters.push(r));
  }

  /** Stops taking and sending; resolves once every message held is recorded or given back. */
  stop(): Promise<void> {
    this.stopping = true;
    return this.settled();
  }

  /** A destination's line: each message waits for the destination's pace, then for a call slot. */
  private async drain(destination: string, platform: Platform): Promise<void> {
    const line = this.lines.get(destination)!;
    const pace = this.deliveries.get(platform)?.pace;
    while (line.length > 0 && !this.stopping) {
      if (pace) await pace.wait(destination);
      await this.slots.take();
      const next = line.shift()!;
      void this.send(next.m, next.views).finally(() => this.slots.give());
    }
    this.lines.delete(destination);
    for (const left of line.splice(0)) this.recorder.add({ m: left.m, released: true });
    this.progress();
  }

  private async send(m: ClaimedMessage, views: EditViews): Promise<void> {
    if (m.leasedUntil - this.deps.clock.now() < this.opts.leaseMs * CALL_SHARE) {
      this.recorder.add({ m, released: true });
      return;
    }
    let req: DeliveryRequest | null;
    try {
      req = await requestFor(this.deps, m, views);
    } catch (err) {
      this.deps.logger.error({ err, outbox: m.id }, 'card view, page view or thread lookup failed');
      this.recorder.add({ m, released: true });
      return;
    }
    const outcome = req ? await attempt(this.deps, this.deliveries.get(m.platform)!, req, m) : NO_THREAD;
    this.attempts[outcome.ok ? 'sent' : 'failed'] += 1;
    this.recorder.add({ m, req, outcome });
  }
}

/**
 * One claim of due messages, delivered and recorded: for one-shot callers and tests. The worker
 * keeps a lane per process instead, claiming again as lines finish.
 */
export async function deliverOnce(
  deps: AppDeps,
  deliveries: ReadonlyMap<Platform, ChatDelivery>,
  opts: DeliveryOptions,
  lane: OutboxLane = 'normal',
): Promise<{ claimed: number; sent: number; failed: number }> {
  const once = new DeliveryLane(deps, deliveries, opts, lane, () => {});
  const claimed = await once.claim(opts.batchSize);
  await once.settled();
  return { claimed, ...once.attempts };
}
