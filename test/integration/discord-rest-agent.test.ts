import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { Agent as Undici7Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordRestAgent } from '../../src/adapters/discord/rest-agent.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { SUPPORT, supportGuild } from '../fakes/discord/harness.js';

/** The dispatcher slot every undici copy in a process shares (undici 6 reads only this one). */
const LEGACY = Symbol.for('undici.globalDispatcher.1');
const slots = globalThis as unknown as Record<symbol, unknown>;

let fake: FakeDiscord;
let before: unknown;

beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [supportGuild()] });
  // As when the Slack transport's undici 7 is the first copy a process loads: it fills the slot.
  before = slots[LEGACY];
  slots[LEGACY] = new Undici7Agent();
});

afterAll(async () => {
  slots[LEGACY] = before;
  await fake?.close();
});

const upload = (rest: REST) =>
  rest.post(Routes.channelMessages(SUPPORT), {
    body: { content: 'log attached' },
    files: [{ name: 'log.txt', data: Buffer.from('hi') }],
  });

describe('discord.js REST next to undici 7', () => {
  it('sends multipart bodies through its own undici, whatever copy filled the shared slot', async () => {
    const rest = new REST({ api: fake.apiBase, retries: 0, agent: discordRestAgent() }).setToken('t');
    await upload(rest);
    const [sent] = fake.requestsTo(/^POST \/channels\/\d+\/messages$/).slice(-1);
    expect(sent?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(sent?.body).toMatchObject({ content: 'log attached', files: ['log.txt'] });
  });
});
