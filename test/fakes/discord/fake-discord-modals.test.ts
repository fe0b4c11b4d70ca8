import { type Client, DiscordAPIError, Events } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord.js';
import { CUSTOMER, loginClient, nextEvent, SUPPORT, supportGuild } from './harness.js';

let fake: FakeDiscord;
let client: Client;

beforeAll(async () => {
  fake = await FakeDiscord.start({ guilds: [supportGuild()] });
  ({ client } = await loginClient(fake));
});
afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

const modal = (title = 'Report a problem') => ({
  custom_id: 'report',
  title,
  components: [
    { type: 18, label: 'What happened', component: { type: 4, custom_id: 'what', style: 1, max_length: 20 } },
    { type: 18, label: 'More', component: { type: 4, custom_id: 'more', style: 2, required: false } },
    { type: 1, components: [{ type: 4, custom_id: 'legacy', style: 1, label: 'Old style', value: 'kept' }] },
  ],
});

/** A /report command from the customer; resolves with the interaction discord.js hands over. */
async function command() {
  const seen = nextEvent(client, Events.InteractionCreate);
  const { token } = fake.interactionCreate({
    kind: 'command',
    name: 'report',
    channelId: SUPPORT,
    user: CUSTOMER,
  });
  const [interaction] = await seen;
  if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
  return { interaction, token };
}

describe('FakeDiscord modals with the real discord.js client', () => {
  it('shows a modal (type 9) and sends back what the person typed (MODAL_SUBMIT)', async () => {
    const { interaction, token } = await command();
    await interaction.showModal(modal());
    expect(fake.callbacks().at(-1)).toMatchObject({ type: 9, data: { custom_id: 'report' } });
    expect(() => fake.modalSubmit({ token, values: {} })).toThrow(/"what" is required/);
    expect(() => fake.modalSubmit({ token, values: { what: 'x'.repeat(21) } })).toThrow(/length limits/);
    const submitted = nextEvent(client, Events.InteractionCreate);
    fake.modalSubmit({ token, values: { what: 'Exports fail' } });
    const [s] = await submitted;
    if (!s.isModalSubmit()) throw new Error('expected a modal submit');
    expect(s.customId).toBe('report');
    expect(s.channelId).toBe(SUPPORT);
    expect(s.user.id).toBe(CUSTOMER.id);
    expect(s.fields.getTextInputValue('what')).toBe('Exports fail');
    expect(s.fields.getTextInputValue('more')).toBe('');
    expect(s.fields.getTextInputValue('legacy')).toBe('kept');
  });

  it('refuses a modal Discord would refuse with Invalid Form Body', async () => {
    const { interaction } = await command();
    const err = await interaction
      .showModal(modal('A title that is much longer than forty-five characters'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect(err).toMatchObject({ code: 50035, status: 400 });
    expect(fake.callbacks().filter((c) => c.type === 9)).toHaveLength(1); // only the first test's
  });
});
