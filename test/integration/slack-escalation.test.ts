import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/render.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { inesWrites, type SlackBot, startSlackBot } from '../support/slack-bot.js';
import { advanceAndTick } from '../support/worker.js';

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot();
});
afterAll(async () => {
  await bot.close();
});

const advance = (minutes: number) => advanceAndTick(bot, minutes);

/** Messages posted in the DM channel Slack opened for a user. */
function dmTexts(user: string) {
  const open = bot.fake
    .callsTo('conversations.open')
    .find(
      (c) => c.args.users === user && (c.response as { channel?: { id?: string } } | undefined)?.channel?.id,
    );
  const channel = (open?.response as { channel?: { id?: string } } | undefined)?.channel?.id;
  return channel ? bot.fake.posted(channel) : [];
}

describe(`escalation through Slack (${TEST_DB_KIND})`, () => {
  it('pages the on-call engineer by DM and in the queue, re-escalates to the lead, and Acknowledge stops it', async () => {
    await bot.event(inesWrites(bot.fake, 'Production down: payments api outage for all customers'));
    await eventually(async () => expect(await bot.app.rows('select id from tickets')).toHaveLength(1));
    await bot.drained();

    await advance(8); // 50% warning in the queue
    expect(
      bot.fake.posted('C0ENTENG01').some((p) => /first response due in/.test(p.message.text ?? '')),
    ).toBe(true);
    await advance(8); // breached: page jun (sre-primary this week)
    await eventually(() => expect(dmTexts('U0JUN00001')).toHaveLength(1));
    const page = dmTexts('U0JUN00001')[0]!;
    expect(page.message.text).toMatch(/^🚨 Page for Primary on-call: #1 Enterprise P1/);
    expect(JSON.stringify(page.message.blocks)).toContain(ACTION_IDS.acknowledge);
    expect(
      bot.fake.posted('C0ENTENG01').some((p) => (p.message.text ?? '').startsWith('<@U0JUN00001>')),
    ).toBe(true);

    await advance(10); // no acknowledgement: jun again
    await advance(10); // then the secondary rotation
    await advance(10);
    await advance(10); // then the lead
    await eventually(() => expect(dmTexts('U0DANA0001')).toHaveLength(1));
    expect(dmTexts('U0JUN00001')).toHaveLength(2);

    const click = await bot.click('U0DANA0001', { action_id: ACTION_IDS.acknowledge, value: '1' });
    expect(click.status).toBe(200);
    await eventually(async () => {
      const [e] = await bot.app.rows<{ status: string }>('select status from escalations');
      expect(e?.status).toBe('acknowledged');
    });
    const before = bot.fake.posted().length;
    await advance(120);
    const later = bot.fake
      .posted()
      .slice(before)
      .filter((p) => p.channel.startsWith('D'));
    expect(later).toEqual([]);
    await eventually(() =>
      expect(
        bot.fake.posted('C0ENTENG01').some((p) => /acknowledged the page for #1/.test(p.message.text ?? '')),
      ).toBe(true),
    );
  });
});
