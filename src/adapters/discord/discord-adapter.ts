import { ChannelType, Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { AppDeps } from '../../app/deps.js';
import type { DiscordSettings } from '../../config/env.js';
import type { ChatAdapter } from '../../ports/adapter.js';
import type { Logger } from '../../ports/logger.js';
import { DRAIN_TIMEOUT_MS, InFlight } from '../in-flight.js';
import { DiscordDelivery } from './delivery.js';
import { registerEvents } from './events.js';
import { guardedGatewayStrategy } from './gateway-guard.js';
import { registerInteractions } from './interactions.js';
import { discordRestAgent } from './rest-agent.js';

/** Gateway intents tierdesk needs. MessageContent is privileged: enable it in the developer portal. */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
];

export interface DiscordAdapterContext {
  deps: AppDeps;
  logger: Logger;
  wake: () => void;
}

export interface DiscordAdapter extends ChatAdapter {
  /**
   * Resolves true once no gateway event received so far is being handled (work started meanwhile
   * included), false if some still is after `timeoutMs`. Tests wait on it instead of a sleep.
   */
  settled(timeoutMs: number): Promise<boolean>;
}

/** Builds the Discord adapter on discord.js: a gateway client for events, REST for delivery. */
export function createDiscordAdapter(s: DiscordSettings, ctx: DiscordAdapterContext): DiscordAdapter {
  const logger = ctx.logger.child({ adapter: 'discord' });
  const client = new Client({
    intents: INTENTS,
    partials: [Partials.Channel, Partials.Message, Partials.Reaction],
    // @discordjs/rest honours Discord's rate-limit headers and 429s; the outbox retries the rest.
    rest: { ...(s.apiUrl ? { api: s.apiUrl } : {}), retries: 1, timeout: 10_000, agent: discordRestAgent() },
    // A malformed dispatch is dropped before discord.js handles it: one odd packet must not end the process.
    ws: { buildStrategy: guardedGatewayStrategy(logger) },
  });
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardResume, (shard, replayed) =>
    logger.info({ shard, replayed }, 'discord gateway resumed'),
  );
  // Gateway events are not answered; shutdown waits for the work they started (stop()).
  const inFlight = new InFlight();
  registerEvents(client, { deps: ctx.deps, logger, staffRoles: s.staffRoles, wake: ctx.wake, inFlight });
  registerInteractions(client, { deps: ctx.deps, logger, wake: ctx.wake, inFlight });
  const delivery = new DiscordDelivery(client.rest, {
    guildOf(channelId) {
      const ch = client.channels.cache.get(channelId);
      return ch && 'guildId' in ch ? (ch.guildId as string) : null;
    },
    exists: (channelId) => client.channels.cache.has(channelId),
    isForum(channelId) {
      const type = client.channels.cache.get(channelId)?.type;
      return type === ChannelType.GuildForum || type === ChannelType.GuildMedia;
    },
  });
  return {
    delivery,
    settled: async (timeoutMs) => (await inFlight.drain(timeoutMs)) === 0,
    mount() {},
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      client.rest.setToken(s.token);
      await client.login(s.token);
      await ready;
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord adapter ready');
    },
    async stop() {
      await client.destroy();
      const left = await inFlight.drain(DRAIN_TIMEOUT_MS);
      if (left > 0) logger.error({ left }, 'shutdown: discord events still being handled were abandoned');
    },
  };
}
