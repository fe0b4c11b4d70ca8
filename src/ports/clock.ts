/** The only source of "now" for app code and jobs; tests inject a fake to run hours of SLA in ms. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
