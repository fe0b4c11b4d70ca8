import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayMessage } from '../fakes/discord/events.js';
import { CANARY, malformedDispatches } from '../fakes/discord/malformed.js';
import { messagePayload } from '../fakes/discord/payloads.js';
import { snowflake } from '../fakes/discord/snowflake.js';
import { TEST_DB_KIND } from '../support/database.js';
import { D, type DiscordBot, startDiscordBot } from '../support/discord-bot.js';
import { eventually } from '../support/eventually.js';
import { RecordingLogger } from '../support/recording-logger.js';

const logger = new RecordingLogger();
let bot: DiscordBot;
beforeAll(async () => {
  bot = await startDiscordBot({ logger });
});
afterAll(async () => {
  await bot.close();
});
beforeEach(async () => {
  await bot.drained();
  await bot.app.reset();
});

const DROPPED = 'discord gateway event dropped: not in the shape Discord documents';
const SKIPPED = 'discord gateway event skipped: discord.js failed on it';
const linesSaying = (msg: string) => logger.lines.filter((l) => l.msg === msg);

async function ticketsFrom(messageId: string) {
  return bot.app.rows<{ id: number; description: string }>(
    `select id::int as id, description from tickets where origin_message_id = '${messageId}'`,
  );
}

/** A customer's message in a linked channel: it must open a ticket. */
async function goodMessageOpensTicket(): Promise<void> {
  const m = bot.fake.messageCreate({
    channelId: D.northwind,
    author: D.ines,
    content: 'Our SSO login fails with a SAML error for every admin',
  });
  await eventually(async () => expect(await ticketsFrom(String(m.id))).toHaveLength(1), 15_000);
}

describe(`Discord gateway: odd packets (${TEST_DB_KIND})`, () => {
  it('drops and logs every malformed dispatch, without customer text, and goes on opening tickets', async () => {
    const stored = bot.fake.messageCreate({ channelId: D.northwind, author: D.ines, content: 'thanks!' });
    const cases = malformedDispatches(bot.fake.state, {
      channelId: D.northwind,
      user: D.ines,
      messageId: String(stored.id),
    });
    expect(cases.length).toBeGreaterThanOrEqual(26);
    for (const c of cases) {
      const before = linesSaying(DROPPED).length;
      bot.fake.dispatchRaw(c.t, c.d);
      const line = await eventually(() => {
        const l = linesSaying(DROPPED)[before];
        if (!l) throw new Error(`${c.name}: not logged as dropped`);
        return l;
      });
      expect(line.level, c.name).toBe('warn');
      if (typeof c.t === 'string' && c.t) expect(line.fields.event, c.name).toBe(c.t);
      expect((line.fields.problems as string[]).length, c.name).toBeGreaterThan(0);
    }
    expect(linesSaying(DROPPED)).toHaveLength(cases.length);
    await goodMessageOpensTicket();
    expect(await bot.app.rows('select id from tickets')).toHaveLength(1);
    expect(logger.text()).not.toContain('canary-customer-text');
  });

  it('a dispatch in the documented shape that discord.js still fails on is logged and skipped', async () => {
    const m = gatewayMessage(
      bot.fake.state,
      messagePayload({ id: snowflake(), channelId: D.northwind, author: D.ines, content: CANARY }),
    );
    // `activity: null` (Discord leaves it out instead): discord.js reads `activity.party_id` unchecked.
    bot.fake.dispatchRaw('MESSAGE_CREATE', { ...m, activity: null });
    const line = await eventually(() => {
      const l = linesSaying(SKIPPED)[0];
      if (!l) throw new Error('not logged');
      return l;
    });
    expect(line).toMatchObject({ level: 'error', fields: { event: 'MESSAGE_CREATE' } });
    await goodMessageOpensTicket();
    expect(logger.text()).not.toContain('canary-customer-text');
  });
});

describe(`Discord text at the edge (${TEST_DB_KIND})`, () => {
  const zoe = { id: '1500000000000000099', username: 'zoe', global_name: 'Zo\u0000ë \ud83d' };

  it('a message with U+0000 or a lone surrogate opens its ticket, the text normalised', async () => {
    const m = bot.fake.messageCreate({
      channelId: D.northwind,
      author: zoe,
      content: 'Exports fail\u0000 with error 500 since the upgrade \udc00 please help',
    });
    await eventually(async () => expect(await ticketsFrom(String(m.id))).toHaveLength(1), 15_000);
    const [t] = await ticketsFrom(String(m.id));
    expect(t?.description).toBe('Exports fail with error 500 since the upgrade \ufffd please help');
    const [person] = await bot.app.rows<{ name: string }>(
      `select p.display_name as name from tickets t join people p on p.id = t.requester_id where t.id = ${t?.id}`,
    );
    expect(person?.name).toContain('Zoë \ufffd');
  });

  it('thread replies and edits are normalised too; an overlong message is cut at 40,000 characters', async () => {
    const long = bot.fake.messageCreate({
      channelId: D.northwind,
      author: D.ines,
      content: 'x'.repeat(100_000),
    });
    await eventually(async () => expect(await ticketsFrom(String(long.id))).toHaveLength(1), 15_000);
    const [t] = await ticketsFrom(String(long.id));
    expect(t?.description.length).toBeLessThanOrEqual(40_000);
    await bot.drained();
    const reply = bot.fake.messageCreate({
      channelId: String(long.id),
      author: D.ines,
      content: 'more\u0000 detail',
    });
    const texts = () =>
      bot.app.rows<{ text: string }>(`select text from ticket_messages where external_id = '${reply.id}'`);
    await eventually(async () => expect((await texts())[0]?.text).toBe('more detail'));
    bot.fake.messageUpdate({
      channelId: String(long.id),
      id: String(reply.id),
      content: 'edited \ud800\u0000',
    });
    await eventually(async () => expect((await texts())[0]?.text).toBe('edited \ufffd'));
  });
  it('text typed into a slash command option is normalised too', async () => {
    const m = bot.fake.messageCreate({
      channelId: D.northwind,
      author: D.ines,
      content: 'Exports fail with 500',
    });
    await eventually(async () => expect(await ticketsFrom(String(m.id))).toHaveLength(1), 15_000);
    const [t] = await ticketsFrom(String(m.id));
    const { token } = bot.fake.interactionCreate({
      kind: 'command',
      channelId: D.enterpriseQueue,
      user: D.priya,
      name: 'ticket',
      options: [
        {
          type: 1,
          name: 'note',
          options: [
            { type: 4, name: 'id', value: t!.id },
            { type: 3, name: 'text', value: 'checked\u0000 the logs \ud83d' },
          ],
        },
      ],
    });
    const reply = await eventually(() => {
      const edit = bot.fake
        .requestsTo(/^PATCH \/webhooks\/\d+\/.+\/messages\/@original$/)
        .find((r) => r.path.includes(token));
      if (!edit) throw new Error('no reply yet');
      return String((edit.body as { content?: string }).content);
    });
    expect(reply).toBe(`Ticket #${t!.id} has your note.`);
    const notes = await bot.app.rows<{ text: string }>(
      `select text from ticket_messages where ticket_id = ${t!.id} and visibility = 'internal'`,
    );
    expect(notes.map((n) => n.text)).toEqual(['checked the logs \ufffd']);
  });
});
