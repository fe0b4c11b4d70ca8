import type { DomainError } from '../domain/errors.js';
import type { Platform, Policy } from '../domain/policy.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { Store } from '../ports/store.js';

/** What every use case gets. The policy is the one loaded at boot; tickets read their own snapshot. */
export interface AppDeps {
  store: Store;
  clock: Clock;
  policy: Policy;
  logger: Logger;
  /** Observations for Prometheus, made after commit (`noopMetrics` where nobody scrapes). */
  metrics: Metrics;
  /**
   * Chat platforms with a running adapter. Messages meant for every platform (digests) go only to
   * these, so nothing waits in the outbox for an adapter that is off. Unset: all platforms.
   */
  platforms?: readonly Platform[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: DomainError): Result<T> => ({ ok: false, error });
