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

/** The DM channel Slack opened for a user, if any. */
function dmChannel(user: string): string | undefined {
  const open = bot.fake
    .callsTo('conversations.open')
    .find(
      (c) => c.args.users === user && (c.response as { channel?: { id?: string } } | undefined)?.channel?.id,
    );
  return (open?.response as { channel?: { id?: string } } | undefined)?.channel?.id;
}

/** Messages posted in the DM channel Slack opened for a user. */
function dmTexts(user: string) {
  const channel = dmChannel(user);
  return channel ? bot.fake.posted(channel) : [];
}

/** The latest edit of each message in a user's DM channel, by ts. */
function dmEdits(user: string) {
  const channel = dmChannel(user);
  return new Map(channel ? bot.fake.updates(channel).map((u) => [u.ts, u.message]) : []);
}

/** The Acknowledge buttons anywhere in a message's blocks, by the ticket they acknowledge. */
function ackButtons(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(ackButtons).sort();
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = o.action_id === ACTION_IDS.acknowledge ? [String(o.value)] : [];
  return [...own, ...Object.values(o).flatMap(ackButtons)].sort();
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
    expect(await click.reply()).toBe('Ticket #1 is acknowledged; paging stopped.');
    await eventually(async () => {
      const [e] = await bot.app.rows<{ status: string }>('select status from escalations');
      expect(e?.status).toBe('acknowledged');
    });
    // Every DM that paged for it now says who acknowledged it and when, and has no button left.
    const [{ at }] = (await bot.app.rows<{ at: string }>(
      "select state->>'acknowledgedAt' as at from escalations",
    )) as [{ at: string }];
    const ackedAt = `acknowledged by Dana Whitfield ${new Date(Number(at)).toISOString().slice(11, 16)} UTC`;
    await eventually(() => {
      for (const user of ['U0JUN00001', 'U0DANA0001']) {
        const edits = dmEdits(user);
        expect([...edits.keys()].sort()).toEqual(
          dmTexts(user)
            .map((p) => p.ts)
            .sort(),
        );
        for (const m of edits.values()) {
          expect(ackButtons(m.blocks)).toEqual([]);
          expect(JSON.stringify(m.blocks)).toContain(`✅ ${ackedAt}`);
        }
      }
    });
    // And the card's Escalation line says so too.
    await eventually(() =>
      expect(JSON.stringify(bot.fake.updates('C0ENTENG01').at(-1)?.message.blocks)).toContain(
        `*Escalation:* ${ackedAt}`,
      ),
    );
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

  it('tickets breaching in one tick page jun in one DM, with an Acknowledge each, and one queue message', async () => {
    const before = dmTexts('U0JUN00001').length;
    for (const n of [1, 2, 3])
      await bot.event(inesWrites(bot.fake, `Production down: outage in region ${n}`));
    await eventually(async () => expect(await bot.app.rows('select id from tickets')).toHaveLength(4));
    await bot.drained();
    await advance(16); // all three first responses breach in the same tick
    await eventually(() => expect(dmTexts('U0JUN00001')).toHaveLength(before + 1));
    const page = dmTexts('U0JUN00001').at(-1)!;
    const text = page.message.text ?? '';
    expect(text).toMatch(/^🚨 3 pages at once\./);
    expect(
      text
        .split('\n')
        .slice(1)
        .map((l) => Number(/^#(\d+) Enterprise P1 /.exec(l)?.[1]))
        .sort(),
    ).toEqual([2, 3, 4]);
    const buttons = (
      page.message.blocks as Array<{ accessory?: { action_id: string; value: string } }>
    ).flatMap((b) => (b.accessory ? [[b.accessory.action_id, b.accessory.value]] : []));
    expect(buttons.sort()).toEqual([
      [ACTION_IDS.acknowledge, '2'],
      [ACTION_IDS.acknowledge, '3'],
      [ACTION_IDS.acknowledge, '4'],
    ]);
    await eventually(() =>
      expect(
        bot.fake
          .posted('C0FRONTLN1')
          .filter((p) => /^<@U0JUN00001> 🚨 3 pages at once/.test(p.message.text ?? '')),
      ).toHaveLength(1),
    );

    expect(ackButtons(page.message.blocks)).toEqual(['2', '3', '4']);

    // Acknowledging one of them stops that ticket's chain only, and takes only its button away.
    const click = await bot.click('U0JUN00001', { action_id: ACTION_IDS.acknowledge, value: '3' });
    expect(click.status).toBe(200);
    await eventually(() => {
      const edited = dmEdits('U0JUN00001').get(page.ts);
      expect(ackButtons(edited?.blocks)).toEqual(['2', '4']);
      expect(JSON.stringify(edited?.blocks)).toMatch(
        /#3 Enterprise P1 [^"]*\\n✅ acknowledged by Jun Watanabe \d\d:\d\d UTC/,
      );
    });
    await eventually(async () => {
      const rows = await bot.app.rows<{ ticket: number; status: string }>(
        'select ticket_id as ticket, status from escalations where ticket_id > 1 order by ticket_id',
      );
      expect(rows.map((r) => [Number(r.ticket), r.status])).toEqual([
        [2, 'active'],
        [3, 'acknowledged'],
        [4, 'active'],
      ]);
    });
  });
});
