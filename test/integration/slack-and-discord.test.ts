import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB_KIND } from '../support/database.js';
import { D, type DiscordBot, startDiscordBot } from '../support/discord-bot.js';
import { eventually } from '../support/eventually.js';
import { inesWrites, type SlackBot, startSlackBot } from '../support/slack-bot.js';

let slack: SlackBot;
let discord: DiscordBot;
beforeAll(async () => {
  slack = await startSlackBot();
  discord = await startDiscordBot({ app: slack.app });
});
afterAll(async () => {
  await discord.close();
  await slack.close();
});

describe(`one organization on Slack and Discord (${TEST_DB_KIND})`, () => {
  it('feeds one ticket system: one policy, one set of clocks, cards on each platform, one directory', async () => {
    await slack.event(inesWrites(slack.fake, 'Dashboards are slow, queries time out'));
    await eventually(async () => expect(await slack.app.rows('select id from tickets')).toHaveLength(1));
    discord.fake.messageCreate({
      channelId: D.northwind,
      author: D.ines,
      content: 'Webhooks are failing with 502 response',
    });
    const rows = await eventually(async () => {
      const r = await slack.app.rows<{
        id: number;
        origin_platform: string;
        organization_id: number;
        requester_id: number;
        tier: string;
      }>(
        'select id::int as id, origin_platform, organization_id, requester_id, tier from tickets order by id',
      );
      expect(r).toHaveLength(2);
      return r;
    });
    expect(rows.map((r) => r.origin_platform)).toEqual(['slack', 'discord']);
    expect(new Set(rows.map((r) => r.organization_id)).size).toBe(1);
    expect(new Set(rows.map((r) => r.requester_id)).size).toBe(1); // Inés, known on both platforms
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['enterprise']));
    await slack.drained();
    await discord.drained();
    expect(slack.fake.posted('C0ENTENG01')).toHaveLength(1);
    expect(discord.fake.messagesIn(D.enterpriseQueue)).toHaveLength(1);
    // Staff on Slack can work the Discord ticket; the same customer sees both from either platform.
    const show = await slack.command('/ticket', 'show #2', 'U0PRIYA001');
    expect(await show.reply()).toMatch(/^#2 · Enterprise · P2 · integrations · new/);
    const mine = await slack.command('/ticket', 'show #2', 'U0INESNW01', 'C0NORTHWND');
    expect(await mine.reply()).toMatch(/^#2 · Enterprise/);
  });
});
