import type { AppDeps } from '../app/deps.js';
import { refreshCountdowns } from '../app/sla/refresh-countdowns.js';

export const name = 'countdown-refresh';
/** Every 30 seconds; each card at most once a minute, at most 10 edits per channel per run. */
export const schedule = '*/30 * * * * *';

export function run(deps: AppDeps, now: number): Promise<number> {
  return refreshCountdowns(deps, now);
}
