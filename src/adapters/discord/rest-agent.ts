import { createRequire } from 'node:module';
import type { RESTOptions } from 'discord.js';

type Dispatcher = NonNullable<RESTOptions['agent']>;

let agent: Dispatcher | null = null;

/**
 * A connection pool of @discordjs/rest's own undici (6.x), for discord.js's REST calls.
 *
 * Without one, @discordjs/rest sends through undici's process-wide dispatcher, a slot every undici
 * copy shares (`Symbol.for('undici.globalDispatcher.1')`). The Slack transport's undici 7 fills
 * that slot when it loads first, and undici 6's requests then run on undici 7's agent, which
 * cannot send their multipart bodies (`TypeError: action is not a function`; nodejs/undici#5520).
 * The pool is loaded from where @discordjs/rest resolves undici, so it is always its own copy.
 */
export function discordRestAgent(): Dispatcher {
  if (agent) return agent;
  const fromRest = createRequire(createRequire(import.meta.url).resolve('@discordjs/rest'));
  const { Agent } = fromRest('undici') as { Agent: new (o: object) => Dispatcher };
  agent = new Agent({ keepAliveTimeout: 30_000 });
  return agent;
}
