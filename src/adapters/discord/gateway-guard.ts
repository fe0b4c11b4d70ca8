import { SimpleShardingStrategy, type WebSocketOptions } from 'discord.js';
import type { Logger } from '../../ports/logger.js';
import { dispatchProblems } from './dispatch-shapes.js';

type BuildStrategy = NonNullable<WebSocketOptions['buildStrategy']>;

/**
 * The event @discordjs/ws emits for every dispatch (its `WebSocketShardEvents.Dispatch`; discord.js
 * exports another enum under that name).
 */
const DISPATCH = 'dispatch';

interface Emitter {
  emit(event: string, ...args: unknown[]): boolean;
}

/** The event name of a packet, fit for a log line (a hostile `t` could be anything). */
function eventName(packet: unknown): string {
  const t = (packet as { t?: unknown } | null)?.t;
  return typeof t === 'string' ? t.slice(0, 64) : `(${t === null ? 'null' : typeof t})`;
}

function sequence(packet: unknown): number | null {
  const s = (packet as { s?: unknown } | null)?.s;
  return typeof s === 'number' ? s : null;
}

/**
 * Where discord.js failed, without the error's message: V8 puts values in some of them ("Cannot use
 * 'in' operator to search for 'guild_id' in <the payload's text>"), and a payload is customer text.
 */
function failure(err: unknown): { name: string; at: string } {
  const e = err instanceof Error ? err : new Error('non-error thrown');
  const frames = (e.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return { name: e.name, at: frames.slice(0, 8).join('\n') };
}

/** True when the dispatch may go on to discord.js; else logs why it was dropped. */
function admissible(logger: Logger, packet: unknown): boolean {
  const problems = dispatchProblems(packet);
  if (problems.length === 0) return true;
  logger.warn(
    { event: eventName(packet), seq: sequence(packet), problems },
    'discord gateway event dropped: not in the shape Discord documents',
  );
  return false;
}

/**
 * Keeps one odd gateway packet from ending the process. discord.js handles every dispatch
 * synchronously inside the WebSocket message callback of @discordjs/ws, so a throw there (a
 * MESSAGE_CREATE with `author: null`, an INTERACTION_CREATE without `data`…) becomes an unhandled
 * rejection, upstream of any listener of ours. This wraps the event emitter of the @discordjs/ws
 * manager (reached through discord.js's public `ws.buildStrategy` option, which hands it over before
 * discord.js attaches its own listeners): a dispatch that does not have the shape discord.js relies
 * on is dropped and logged; anything discord.js still throws on is logged (where, not the error's
 * message) and skipped. @discordjs/ws has already taken the sequence number by then, so a dropped
 * event never disturbs heartbeats or a later RESUME. Logs name the event and the field, never the
 * payload (customer text).
 */
export function guardedGatewayStrategy(logger: Logger): BuildStrategy {
  return (manager) => {
    const target = manager as unknown as Emitter;
    const emit = target.emit.bind(target);
    target.emit = (event, ...args) => {
      const packet = event === DISPATCH ? (args[0] as { data?: unknown } | undefined)?.data : undefined;
      if (event === DISPATCH && !admissible(logger, packet)) return false;
      try {
        return emit(event, ...args);
      } catch (err) {
        const where = { event: event === DISPATCH ? eventName(packet) : event, seq: sequence(packet) };
        logger.error(
          { ...where, failure: failure(err) },
          'discord gateway event skipped: discord.js failed on it',
        );
        return false;
      }
    };
    return new SimpleShardingStrategy(manager);
  };
}
