/** Test helpers: a real discord.js Client logged in against a FakeDiscord. */
import {
  Client,
  type ClientEvents,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  Partials,
} from 'discord.js';
import { discordRestAgent } from '../../../src/adapters/discord/rest-agent.js';
import type { FakeDiscord, FakeGuild } from './fake-discord.js';

export const GUILD = '1210000000000000001';
export const SUPPORT = '1210000000000000010';
export const FORUM = '1210000000000000011';
export const AGENT_ROLE = '1210000000000000020';
export const CUSTOMER = { id: '1210000000000000100', username: 'carol', global_name: 'Carol' };
export const AGENT = { id: '1210000000000000101', username: 'alex' };

export const supportGuild = (): FakeGuild => ({
  id: GUILD,
  name: 'Acme Support',
  channels: [
    { id: SUPPORT, name: 'support', type: 0 },
    { id: FORUM, name: 'help-forum', type: 15, available_tags: [{ id: '1210000000000000030', name: 'bug' }] },
  ],
  roles: [{ id: AGENT_ROLE, name: 'Agents' }],
  members: [
    { user: CUSTOMER, roles: [] },
    { user: AGENT, roles: [AGENT_ROLE] },
  ],
});

export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
];

/** The options the fake was proven with; `retries: 0` (429s are still waited out and retried). */
export function makeClient(fake: FakeDiscord, extra: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: INTENTS,
    partials: [Partials.Channel, Partials.Message, Partials.Reaction],
    rest: { api: fake.apiBase, retries: 0, agent: discordRestAgent() },
    ...extra,
  });
}

/** Logs in and resolves once `clientReady` fired, with how long it took. */
export async function loginClient(
  fake: FakeDiscord,
  extra: Partial<ClientOptions> = {},
): Promise<{ client: Client; readyMs: number }> {
  const client = makeClient(fake, extra);
  const started = Date.now();
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login('test-token');
  await ready;
  return { client, readyMs: Date.now() - started };
}

/** The next `event` whose arguments pass `filter`. */
export function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  filter: (...args: ClientEvents[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: ClientEvents[K]) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}
