import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_IDS } from '../../src/adapters/discord/render.js';
import { TEST_DB_KIND } from '../support/database.js';
import { D, type DiscordBot, startDiscordBot } from '../support/discord-bot.js';
import { eventually } from '../support/eventually.js';
import { advanceAndTick } from '../support/worker.js';

let bot: DiscordBot;
beforeAll(async () => {
  bot = await startDiscordBot();
});
afterAll(async () => {
  await bot.close();
});

const advance = (minutes: number) => advanceAndTick(bot, minutes);

/** Messages the bot posted, with their channel, oldest first. */
function botPosts() {
  return bot.fake
    .requestsTo(/^POST \/channels\/\d+\/messages$/)
    .filter((r) => r.status === 200)
    .map((r) => ({
      channel: r.path.split('/')[2]!,
      body: r.body as { content?: string; components?: unknown[] },
    }));
}

/** The DM channel the bot opened with a user, if any. */
function dmChannelOf(userId: string): string | undefined {
  const open = bot.fake
    .requestsTo(/^POST \/users\/@me\/channels$/)
    .find((r) => (r.body as { recipient_id?: string }).recipient_id === userId);
  if (!open) return undefined;
  const queues = new Set([D.enterpriseQueue, D.securityQueue, D.frontline, D.northwind]);
  return botPosts().find((p) => !queues.has(p.channel) && p.body.content?.startsWith('🚨'))?.channel;
}

describe(`escalation through Discord (${TEST_DB_KIND})`, () => {
  it('pages the on-call engineer by Discord DM and in the queue, and Acknowledge stops the chain', async () => {
    bot.fake.messageCreate({
      channelId: D.northwind,
      author: D.ines,
      content: 'Production down: payments api outage for all customers',
    });
    await eventually(async () => expect(await bot.app.rows('select id from tickets')).toHaveLength(1));
    await bot.drained();

    await advance(16); // first response breached: page jun (sre-primary this week), on Discord
    const dm = await eventually(() => {
      const c = dmChannelOf(D.jun.id);
      expect(c).toBeDefined();
      return c!;
    });
    const pages = botPosts().filter((p) => p.channel === dm);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.body.content).toMatch(/^🚨 Page for Primary on-call: #1 Enterprise P1/);
    expect(JSON.stringify(pages[0]!.body.components)).toContain(`${CUSTOM_IDS.acknowledge}:1`);
    expect(
      botPosts().some((p) => p.channel === D.enterpriseQueue && p.body.content?.startsWith(`<@${D.jun.id}>`)),
    ).toBe(true);

    await advance(10); // no acknowledgement: jun is paged again
    expect(botPosts().filter((p) => p.channel === dm)).toHaveLength(2);

    bot.fake.interactionCreate({
      kind: 'button',
      channelId: dm,
      user: D.jun,
      customId: `${CUSTOM_IDS.acknowledge}:1`,
      messageId: '1',
    });
    await eventually(async () => {
      const [e] = await bot.app.rows<{ status: string }>('select status from escalations');
      expect(e?.status).toBe('acknowledged');
    });
    // Both DMs that paged jun now say who acknowledged and when, with their buttons gone.
    await eventually(() => {
      const dms = bot.fake.messagesIn(dm);
      expect(dms).toHaveLength(2);
      for (const m of dms) {
        expect(m.content).toMatch(
          /^🚨 Page for Primary on-call( \(page 2\))?: #1 [\s\S]*\n✅ acknowledged by Jun Watanabe \d\d:\d\d UTC$/,
        );
        expect(m.components).toEqual([]);
      }
    });
    expect(bot.fake.requestsTo(new RegExp(`^PATCH /channels/${dm}/messages/\\d+$`))).toHaveLength(2);
    await advance(120);
    expect(botPosts().filter((p) => p.channel === dm)).toHaveLength(2);
    await eventually(() =>
      expect(
        botPosts().some(
          (p) => p.channel === D.enterpriseQueue && /acknowledged the page for #1/.test(p.body.content ?? ''),
        ),
      ).toBe(true),
    );
  });
});
