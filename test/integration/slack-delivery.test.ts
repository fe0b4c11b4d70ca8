import { type FetchFunction, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackDelivery, toFailure } from '../../src/adapters/slack/delivery.js';
import { slackFetch } from '../../src/adapters/slack/fetch.js';
import { ChannelPacer } from '../../src/adapters/slack/pacer.js';
import { deliverOnce } from '../../src/app/delivery/delivery-lane.js';
import type { AppDeps } from '../../src/app/deps.js';
import type { Platform } from '../../src/domain/policy.js';
import type { ChatDelivery, DeliveryRequest } from '../../src/ports/chat.js';
import { silentLogger } from '../../src/ports/logger.js';
import { noopMetrics } from '../../src/ports/metrics.js';
import { DrizzleStore } from '../../src/store/store.js';
import { FakeClock } from '../fakes/clock.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { examplePolicy } from '../support/app.js';
import { createTestDatabase, TEST_DB_KIND } from '../support/database.js';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(() => fake.close());
// A call a test's client gave up on is still carried out by the fake: wait for it before the next test.
afterEach(async () => {
  await fake.idle();
  fake.reset({ keepState: true });
});

/** `timeoutMs`: the client's patience; production's 10 s unless a test makes Slack outlast it. */
function deliveryOver(fetch: FetchFunction | undefined, timeoutMs = 10_000) {
  const client = new WebClient('xoxb-delivery', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    ...(fetch ? { fetch } : {}),
  });
  return new SlackDelivery(client, {
    teamUrl: 'https://acme.slack.com/',
    pacer: new ChannelPacer(1000, 1000),
  });
}

/** Posts in the customer channel that carry the outbox key `key`. */
const postsWith = (key: string) =>
  fake.posted('C0NORTHWND').filter((p) => p.message.metadata?.event_payload?.key === key).length;

const reply = (key: string, uncertain: boolean): DeliveryRequest => ({
  key,
  uncertain,
  card: null,
  body: {
    kind: 'thread_reply',
    channelId: 'C0NORTHWND',
    threadRef: '1772463600.000100',
    text: 'hello',
    ticketId: 1,
  },
});

// The adapter's own transport (undici's request behind the client's fetch option) and the client's
// default (the global fetch) must behave alike.
describe.each([
  ['the adapter transport', slackFetch()],
  ['the global fetch', undefined],
])('Slack delivery over %s', (_name, fetch) => {
  let delivery: SlackDelivery;
  beforeAll(() => {
    delivery = deliveryOver(fetch);
  });

  it('after an uncertain attempt, finds the message it already posted instead of posting twice', async () => {
    if (!fake.message('C0NORTHWND', '1772463600.000100'))
      fake.addMessage('C0NORTHWND', { ts: '1772463600.000100', user: 'U0INESNW01', text: 'help' });
    const key = `ticket:1:reply:opened:${_name}`;
    const first = await delivery.deliver(reply(key, false));
    expect(first.ok).toBe(true);
    // The process died before recording the outcome: the retry is marked uncertain.
    const retry = await delivery.deliver(reply(key, true));
    expect(retry).toEqual(first);
    expect(postsWith(key)).toBe(1);
    // An uncertain attempt that never reached Slack posts normally.
    const other = await delivery.deliver(reply(`ticket:1:reply:resolved:v3:${_name}`, true));
    expect(other.ok).toBe(true);
    expect(postsWith(`ticket:1:reply:resolved:v3:${_name}`)).toBe(1);
  });

  it('finds what an uncertain attempt posted in a thread of hundreds of replies', async () => {
    const n = _name === 'the global fetch' ? 2 : 1; // each transport its own thread
    const parent = `177246000${n}.000100`;
    {
      fake.addMessage('C0NORTHWND', { ts: parent, user: 'U0INESNW01', text: 'a long story' });
      // 250 replies from long before the message was queued, and 250 since: the thread's first
      // page (oldest first) holds none of what the look is after.
      const old = Math.floor(Date.now() / 1000) - 86_400;
      for (let i = 0; i < 250; i++)
        fake.addMessage('C0NORTHWND', {
          ts: `${old + i}.00010${n}`,
          thread_ts: parent,
          user: 'U0INESNW01',
          text: `${i}`,
        });
    }
    const queuedAt = Date.now();
    const recent = Math.floor(queuedAt / 1000) - 60;
    for (let i = 0; i < 250; i++)
      fake.addMessage('C0NORTHWND', {
        ts: `${recent}.${String(n * 1000 + i).padStart(6, '0')}`,
        thread_ts: parent,
        user: 'U0INESNW01',
        text: `${i}`,
      });
    const key = `ticket:9:reply:long:${_name}`;
    const req = (uncertain: boolean): DeliveryRequest => ({
      ...reply(key, uncertain),
      queuedAt,
      body: { kind: 'thread_reply', channelId: 'C0NORTHWND', threadRef: parent, text: 'hi', ticketId: 9 },
    });
    const first = await delivery.deliver(req(false));
    expect(first.ok).toBe(true);
    expect(await delivery.deliver(req(true))).toEqual(first);
    expect(postsWith(key)).toBe(1);
  });

  it('an answer slower than the client timeout is an uncertain failure, and the next call works', async () => {
    const release = fake.hold('chat.postMessage');
    const slow = await deliveryOver(fetch, 300).deliver(reply(`k-slow-${_name}`, false));
    expect(slow.ok ? null : slow.failure.kind).toBe('transient');
    expect(slow.ok ? null : slow.failure.message).toMatch(/^uncertain: .*/);
    // Uncertain indeed: Slack carries the call out after the client gave up on it.
    release();
    await fake.idle();
    expect(postsWith(`k-slow-${_name}`)).toBe(1);
    const next = await delivery.deliver(reply(`k-after-slow-${_name}`, false));
    expect(next.ok).toBe(true);
  });

  it('narrows Slack failures: rate limits with their wait, permanent errors, uncertain 5xx', async () => {
    fake.failNext('chat.postMessage', 1, { status: 429, retryAfterSec: 7 });
    const limited = await delivery.deliver(reply(`k-429-${_name}`, false));
    expect(limited).toEqual({
      ok: false,
      failure: { kind: 'rate_limited', retryAfterMs: 7000, message: 'rate limited' },
    });
    fake.failNext('chat.postMessage', 1, { error: 'channel_not_found' });
    const gone = await delivery.deliver(reply(`k-404-${_name}`, false));
    expect(gone).toEqual({ ok: false, failure: { kind: 'permanent', message: 'channel_not_found' } });
    fake.failNext('chat.postMessage', 1, { status: 502 });
    const bad = await delivery.deliver(reply(`k-502-${_name}`, false));
    expect(bad.ok ? null : bad.failure.kind).toBe('transient');
    expect(bad.ok ? null : bad.failure.message).toMatch(/^uncertain/);
    expect(toFailure({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }).kind).toBe(
      'transient',
    );
  });
});

describe(`an in-doubt message through the outbox (${TEST_DB_KIND})`, () => {
  it('stays in doubt when a later attempt fails for certain, so the next attempt looks before posting', async () => {
    const db = await createTestDatabase();
    try {
      const clock = new FakeClock(Date.parse('2026-03-02T15:00:00Z'));
      const deps: AppDeps = {
        store: new DrizzleStore(db.database.db),
        clock,
        policy: examplePolicy(),
        logger: silentLogger,
        metrics: noopMetrics,
      };
      const deliveries = new Map<Platform, ChatDelivery>([['slack', deliveryOver(slackFetch(), 300)]]);
      const opts = { batchSize: 10, leaseMs: 15_000, maxAttempts: 12, maxBackoffMs: 60_000 };
      const round = async () => {
        clock.set(clock.now() + 5_000); // past any backoff
        return deliverOnce(deps, deliveries, opts);
      };
      const { body } = reply('ticket:7:reply:opened', false);
      await deps.store.withoutTransaction((uow) =>
        uow.outbox.enqueue(
          [{ key: 'ticket:7:reply:opened', platform: 'slack', orderingKey: 'ticket:7', body }],
          null,
          clock.now(),
        ),
      );
      // 1: Slack posts the reply, but only after the client gave up waiting: uncertain.
      const release = fake.hold('chat.postMessage');
      expect(await round()).toMatchObject({ sent: 0, failed: 1 });
      release();
      await fake.idle();
      expect(postsWith('ticket:7:reply:opened')).toBe(1);
      // 2: the retry's look for it is rate limited; that failure is certain, attempt 1 still is not.
      fake.failNext('conversations.replies', 1, { status: 429, retryAfterSec: 1 });
      expect(await round()).toMatchObject({ sent: 0, failed: 1 });
      // 3: looks again, finds the reply attempt 1 posted, and posts nothing.
      expect(await round()).toMatchObject({ sent: 1 });
      expect(postsWith('ticket:7:reply:opened')).toBe(1);
    } finally {
      await db.drop();
    }
  });
});
