import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackDelivery } from '../../src/adapters/slack/delivery.js';
import { ChannelPacer } from '../../src/adapters/slack/pacer.js';
import type { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import type { OutboundMessage } from '../../src/ports/outbound.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { type TestApp, useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { startTestWorker } from '../support/worker.js';

const BUSY = 'C0QUEUE001';
const QUIET = 'C0NORTHWND';

/** A notice of its own ordering key: nothing but the channel's pace orders these. */
const notice = (channel: string, i: number): OutboundMessage => ({
  key: `notice:${channel}:${i}`,
  platform: 'slack',
  orderingKey: `notice:${channel}:${i}`,
  body: {
    kind: 'channel_message',
    channelId: channel,
    text: `notice ${i}`,
    mentions: [],
    ticketId: null,
    inCardThread: false,
  },
});

const enqueue = (app: TestApp, messages: OutboundMessage[]) =>
  app.deps.store.withoutTransaction((uow) => uow.outbox.enqueue(messages, null, app.clock.now()));

/** Slack delivery over the fake, paced at `perSecond` per channel with no burst. */
const slackDelivery = (fake: FakeSlack, perSecond: number, timeoutMs?: number) =>
  new SlackDelivery(fake.webClient(timeoutMs ? { timeout: timeoutMs } : {}), {
    teamUrl: null,
    pacer: new ChannelPacer(perSecond, 1),
  });

const keysPosted = (fake: FakeSlack, channel: string) =>
  fake
    .posted(channel)
    .map((c) => String((c.args.metadata as { event_payload?: { key?: string } }).event_payload?.key));

let fake: FakeSlack;
let workers: OutboxWorker[] = [];
beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(() => fake.close());
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  fake.reset();
});

describe(`outbox delivery, channel by channel (${TEST_DB_KIND})`, () => {
  const app = useTestApp();

  it("a quiet channel's message goes out at its own pace, not after a busy channel's backlog", async () => {
    // 60 notices for the queue channel first, then one reply's worth for the customer channel; at
    // 10 posts a second the queue channel needs 6 s, the customer channel a tenth of one.
    await enqueue(app, [...Array.from({ length: 60 }, (_, i) => notice(BUSY, i)), notice(QUIET, 0)]);
    workers.push(startTestWorker(app.deps, slackDelivery(fake, 10)));
    await eventually(() => expect(fake.posted(QUIET)).toHaveLength(1), 20_000);
    // Held behind the busy channel, it would come after a whole round of it (50 in the test worker).
    expect(fake.posted(BUSY).length).toBeLessThan(25);
  }, 60_000);

  it('two replicas pacing a backlog post each message once (a lease covers the wait for the pace)', async () => {
    // The clock runs: leases of 3 s would run out while the 60 posts take 6 s at 10 a second. A call
    // may take 2 s (the client's timeout), two thirds of a lease, as the adapters' 10 s of 15 s.
    app.clock.set(Date.now());
    const deps = { ...app.deps, clock: { now: () => Date.now() } };
    await enqueue(
      app,
      Array.from({ length: 60 }, (_, i) => notice(BUSY, i)),
    );
    workers.push(startTestWorker(deps, slackDelivery(fake, 10, 2_000), 3_000));
    workers.push(startTestWorker(deps, slackDelivery(fake, 10, 2_000), 3_000));
    await eventually(async () => {
      const [row] = await app.rows<{ n: string }>(
        "select count(*) as n from outbox where status = 'pending'",
      );
      expect(Number(row!.n)).toBe(0);
    }, 40_000);
    const keys = keysPosted(fake, BUSY);
    expect(keys.length - new Set(keys).size).toBe(0);
    expect(new Set(keys).size).toBe(60);
  }, 60_000);
});
