import cron, { type ScheduledTask } from 'node-cron';
import type { AppDeps } from '../app/deps.js';
import * as slaTick from './sla-tick.js';

/** A job the scheduler runs on a cron expression (6 fields: seconds first). */
export interface CronJob {
  name: string;
  /** e.g. `0 *\/5 * * * *` = every five minutes. */
  schedule: string;
  run(deps: AppDeps, now: number): Promise<unknown>;
}

/** How often the SLA tick runs at the latest, even if its timer was lost (cron backstop). */
export const SLA_BACKSTOP = '*/5 * * * * *';
const BACKSTOP_MS = 5_000;

/**
 * After an SLA tick that did work, the next one waits at least this long (real time) from its start.
 * A flood's deadlines then fall due between ticks and are handled together: a tick costs ~15 ms
 * before its first ticket and ~1.5 ms per ticket after, so ticking for every deadline of 10,000 a
 * minute (one every 6 ms) kept the process busy with ticks alone, and each tick's breaches share
 * their pages' DMs. A deadline is acted on at most this much later; when little is due, nothing changes.
 */
export const SLA_TICK_MIN_GAP_MS = 100;

/**
 * Wires the jobs to node-cron. The SLA tick is not tied to a fixed minute: after each run a timer
 * is set to the next due instant (so a deadline is acted on when it falls, not up to a minute
 * later, nor more than SLA_TICK_MIN_GAP_MS after the last tick that worked), and the cron backstop
 * runs it every few seconds in case a timer is lost. Jobs select their work with FOR UPDATE SKIP
 * LOCKED, so any number of replicas may run a scheduler.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** A request that came while a run was in flight: another run follows it. */
  private again: 'tick' | 'ifDue' | null = null;
  private stopped = false;
  /** performance.now() at the start of the last tick that did work. */
  private workedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: AppDeps,
    private readonly jobs: CronJob[],
    /** Called when a run queued outbound messages (wakes the outbox worker). */
    private readonly onWork: () => void,
    private readonly minGapMs = SLA_TICK_MIN_GAP_MS,
  ) {}

  start(): void {
    // The tick coalesces overlapping runs itself, so the backstop only asks for one.
    this.tasks.push(
      cron.schedule(
        SLA_BACKSTOP,
        () => {
          void this.tick();
        },
        { name: 'sla-tick' },
      ),
    );
    for (const job of this.jobs) {
      // One run of a job at a time, skipped runs told through our logger with the job's name
      // (node-cron's own noOverlap warns on the console without saying which job).
      let running = false;
      this.tasks.push(
        cron.schedule(
          job.schedule,
          async () => {
            if (running) {
              this.deps.logger.warn({ job: job.name }, 'job still running; this run is skipped');
              return;
            }
            running = true;
            try {
              await job.run(this.deps, this.deps.clock.now());
              this.onWork();
            } catch (err) {
              this.deps.logger.error({ err, job: job.name }, 'job failed');
            } finally {
              running = false;
            }
          },
          { name: job.name },
        ),
      );
    }
    void this.tick();
  }

  /**
   * Runs the SLA tick now (coalescing concurrent requests) and re-arms the timer. `ifDue`: after a
   * change, which rarely makes anything due at once, first asks when work falls due (two indexed
   * reads) and runs the tick only if that is now; otherwise only re-arms the timer.
   */
  tick(ifDue = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.ticking) {
      this.again = this.again === 'tick' || !ifDue ? 'tick' : 'ifDue';
      return this.ticking;
    }
    this.ticking = this.runTick(ifDue).finally(() => {
      this.ticking = null;
      const again = this.again;
      this.again = null;
      if (again && !this.stopped) void this.tick(again === 'ifDue');
    });
    return this.ticking;
  }

  private async runTick(ifDue: boolean): Promise<void> {
    try {
      // Too soon after a tick that worked: whatever falls due meanwhile waits for the next one.
      const early = this.workedAt + this.minGapMs - performance.now();
      if (early > 0) return this.arm(early);
      if (ifDue) {
        const next = await slaTick.nextDueAt(this.deps);
        const now = this.deps.clock.now();
        if (next === null || next > now) return this.arm(next === null ? BACKSTOP_MS : next - now);
      }
      const t0 = performance.now();
      const done = await slaTick.run(this.deps, this.deps.clock.now(), this.onWork);
      if (done.tickets + done.escalations > 0) {
        this.workedAt = t0;
        this.deps.logger.debug({ ...done, ms: Math.round(performance.now() - t0) }, 'sla tick');
        this.onWork();
      }
      const next = await slaTick.nextDueAt(this.deps);
      this.arm(next === null ? BACKSTOP_MS : next - this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error({ err }, 'sla tick failed');
      this.arm(BACKSTOP_MS);
    }
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.min(ms, BACKSTOP_MS)));
  }

  /** Stops taking work and waits for jobs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.tasks) await t.stop();
    await cron.shutdown(10_000);
    await this.ticking;
  }
}
