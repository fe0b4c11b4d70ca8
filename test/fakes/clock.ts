import type { Clock } from '../../src/ports/clock.js';

/**
 * A clock tests control: hours of SLA time pass in microseconds. Stopped by default (moves only
 * when told); `running` makes it advance with real time from its start instant, for end-to-end
 * tests where retries and timers must come due by themselves.
 */
export class FakeClock implements Clock {
  private base: number;
  private startedAt = performance.now();

  constructor(
    ms: number,
    private readonly running = false,
  ) {
    this.base = ms;
  }

  now(): number {
    return Math.floor(this.base + (this.running ? performance.now() - this.startedAt : 0));
  }

  set(iso: string | number): void {
    this.base = typeof iso === 'number' ? iso : Date.parse(iso);
    this.startedAt = performance.now();
  }

  advanceMinutes(n: number): void {
    this.base += n * 60_000;
  }
}
