import type { AppDeps } from '../../app/deps.js';
import type { Logger } from '../../ports/logger.js';

/** What Slack's command and form handlers work with. */
export interface SlackCommandDeps {
  deps: AppDeps;
  logger: Logger;
  wake: () => void;
}
