/** The only source of "now" for app code and jobs; tests inject a fake to run hours of SLA in ms. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock running `offsetMs` ahead of another: the sandbox's fast-forward. Only the sandbox,
 * alone, uses one; with a real chat platform running, time is never moved.
 */
export class OffsetClock implements Clock {
  constructor(
    public offsetMs = 0,
    private readonly base: Clock = systemClock,
  ) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }
}
