import type { AppDeps } from '../../app/deps.js';
import type { Logger } from '../../ports/logger.js';
import type { InFlight } from '../in-flight.js';

/** What Discord's interaction and form handlers work with. */
export interface DiscordInteractionDeps {
  deps: AppDeps;
  logger: Logger;
  wake: () => void;
  /** Tracks the work each event starts, for shutdown to wait on. */
  inFlight: InFlight;
}
