/**
 * How many cases a property test runs. The counts written in the tests are what each property was
 * tuned at, hunting its bugs: 1,500–4,000 cases, 10–30 s of CPU a test, the largest share of a
 * suite run on two cores. Every `npm test` runs a fifth of them (at least 100), with a fresh seed
 * each time, so the runs add up over the days; TIERDESK_PROPERTY_RUNS=full runs the written counts
 * (before a release, or when a property has failed). A failure prints its seed and path either way.
 */
export function propertyRuns(written: number): number {
  if (process.env.TIERDESK_PROPERTY_RUNS === 'full') return written;
  return Math.max(100, Math.round(written / 5));
}
