import type { App } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';
import { takeOverInbound, writeInbox } from '../../app/intake/inbound-events.js';
import type { Logger } from '../../ports/logger.js';
import type { InboundEvent } from '../../ports/store.js';
import type { InFlight } from '../in-flight.js';
import { JSON_TYPE, parseSlackBody } from './payload.js';
import { type ListenerOutcome, OUTCOME_KEY } from './receiver.js';

/** How often a replica looks for events another one left unhandled. */
const TAKE_OVER_EVERY_MS = 10_000;
const TAKE_OVER_BATCH = 100;

/** Event ids this process has taken on lately, so a retry Slack sends meanwhile is not handled twice. */
const RECENT_IDS = 10_000;
/** Inbox bookkeeping is written at most this often: one transaction for all that piled up. */
const WRITE_EVERY_MS = 25;
/**
 * The most records, and the most marks, one write takes; the rest wait for the next, which follows
 * at once. Keeps each statement far below Postgres's 65,535 parameters however far writes fall behind.
 */
export const MAX_WRITE = 1_000;
const RETRY_WRITE_MS = 1_000;

interface Waiting {
  event: InboundEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The bot's side of the Slack ingress. An event the ingress answered Slack for is handled at once,
 * and recorded in the inbox table meanwhile; once it is recorded, the ingress may drop it from its
 * journal. When it has been handled it is marked so. Records and marks are written together, one
 * transaction every few ms, which keeps this bookkeeping to a small share of the database's work.
 * An event whose listener failed stays unhandled and is taken over once its claim runs out, by
 * this replica or another; so is everything a replica that crashed had claimed.
 */
export class SlackInbox {
  private readonly recent = new Set<string>();
  private accepted = new Map<string, Waiting[]>();
  private handled = new Set<string>();
  private writing: NodeJS.Timeout | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private takingOver: Promise<number> | null = null;

  constructor(
    private readonly app: App,
    private readonly deps: AppDeps,
    private readonly inFlight: InFlight,
    private readonly logger: Logger,
  ) {}

  /**
   * Takes an event the ingress answered for: starts handling it and resolves once it is recorded
   * (the ingress keeps it in its journal until then); calls `settled` when done handling it.
   */
  record(
    e: { eventId: string; body: string; retryNum: number | null; retryReason: string | null },
    settled: () => void = () => {},
  ): Promise<void> {
    const event: InboundEvent = {
      platform: 'slack',
      eventId: e.eventId,
      body: e.body,
      retryNum: e.retryNum,
      retryReason: e.retryReason,
    };
    if (this.recent.has(e.eventId))
      settled(); // a retry of an event being or already handled
    else {
      this.recent.add(e.eventId);
      if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
      void this.inFlight.track(this.handle(event).finally(settled));
    }
    return new Promise<void>((resolve, reject) => {
      const waiting = this.accepted.get(e.eventId) ?? [];
      waiting.push({ event, resolve, reject });
      this.accepted.set(e.eventId, waiting);
      this.scheduleWrite(WRITE_EVERY_MS);
    });
  }

  private markHandled(eventId: string): void {
    this.handled.add(eventId);
    this.scheduleWrite(WRITE_EVERY_MS);
  }

  private scheduleWrite(ms: number): void {
    if (this.stopped) return;
    this.writing ??= setTimeout(() => void this.write(), ms);
  }

  /** Writes what is waiting now (shutdown: after the handlers finished, before the pool closes). */
  async flush(): Promise<void> {
    if (this.writing) clearTimeout(this.writing);
    this.writing = null;
    // More than one write when more than MAX_WRITE wait; one that fails leaves its records to the
    // ingress's journal and its marks in place, which ends the loop.
    let left = Number.POSITIVE_INFINITY;
    while (this.accepted.size + this.handled.size > 0 && this.accepted.size + this.handled.size < left) {
      left = this.accepted.size + this.handled.size;
      await this.write();
    }
  }

  private async write(): Promise<void> {
    const accepted = new Map<string, Waiting[]>();
    for (const [id, w] of this.accepted) {
      if (accepted.size === MAX_WRITE) break;
      accepted.set(id, w);
      this.accepted.delete(id);
    }
    const handled = new Set<string>();
    for (const id of this.handled) {
      if (handled.size === MAX_WRITE) break;
      handled.add(id);
      this.handled.delete(id);
    }
    const events = [...accepted.values()].map((w) => w[0]!.event);
    let failed = false;
    try {
      await this.inFlight.track(writeInbox(this.deps, 'slack', events, [...handled]));
      for (const w of accepted.values()) for (const x of w) x.resolve();
    } catch (err) {
      // Records: the ingress still holds them and sends them again. Marks: kept for the next write.
      this.logger.error({ err, events: events.length, handled: handled.size }, 'slack: inbox write failed');
      for (const w of accepted.values()) for (const x of w) x.reject(err);
      for (const id of handled) this.handled.add(id);
      failed = true;
    } finally {
      this.writing = null;
      // Records only wait for the next window: the ingress holds Slack's answers on them (its
      // backlog), so a longer wait here would stall intake. Only a failed write backs off.
      if (failed) this.scheduleWrite(RETRY_WRITE_MS);
      else if (this.accepted.size >= MAX_WRITE || this.handled.size >= MAX_WRITE) this.scheduleWrite(0);
      else if (this.accepted.size > 0 || this.handled.size > 0) this.scheduleWrite(WRITE_EVERY_MS);
    }
  }

  /** Takes over events left unhandled (now, and every few seconds until stop()). */
  start(): void {
    void this.takeOver();
    this.timer = setInterval(() => void this.takeOver(), TAKE_OVER_EVERY_MS);
    this.timer.unref();
  }

  /** Stops taking over and stops writing on a timer; flush() writes what is left. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Claims and handles what a stopped replica left (or a failed listener); returns how many. */
  takeOver(): Promise<number> {
    this.takingOver ??= (async () => {
      try {
        const left = await takeOverInbound(this.deps, 'slack', TAKE_OVER_BATCH);
        if (left.length > 0)
          this.logger.warn({ events: left.length }, 'slack: handling events left unhandled');
        for (const e of left) await this.inFlight.track(this.handle(e));
        return left.length;
      } catch (err) {
        this.logger.error({ err }, 'slack: could not take over unhandled events');
        return 0;
      } finally {
        this.takingOver = null;
      }
    })();
    return this.takingOver;
  }

  private async handle(e: InboundEvent): Promise<void> {
    const outcome: ListenerOutcome = { failed: false };
    // The ingress records only event callbacks that pass this check; a row an older version
    // recorded may not, and would fail every take-over.
    const p = parseSlackBody(Buffer.from(e.body, 'utf8'), JSON_TYPE);
    if (p.kind !== 'event') {
      this.logger.error({ eventId: e.eventId }, 'slack: recorded event is not an event callback; dropped');
      this.markHandled(e.eventId);
      return;
    }
    try {
      await this.app.processEvent({
        body: p.body,
        ack: async () => {}, // the ingress answered Slack already
        ...(e.retryNum !== null ? { retryNum: e.retryNum } : {}),
        ...(e.retryReason !== null ? { retryReason: e.retryReason } : {}),
        customProperties: { [OUTCOME_KEY]: outcome },
      });
    } catch (err) {
      this.logger.error({ err, eventId: e.eventId }, 'slack: event could not be dispatched');
      return;
    }
    if (outcome.failed) return; // stays claimed until it runs out, then is taken over and retried
    this.markHandled(e.eventId);
  }
}
