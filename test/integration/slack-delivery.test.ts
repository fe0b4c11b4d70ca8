import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackDelivery, toFailure } from '../../src/adapters/slack/delivery.js';
import { ChannelPacer } from '../../src/adapters/slack/pacer.js';
import type { DeliveryRequest } from '../../src/ports/chat.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';

let fake: FakeSlack;
let delivery: SlackDelivery;
beforeAll(async () => {
  fake = await FakeSlack.start();
  const client = new WebClient('xoxb-delivery', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  delivery = new SlackDelivery(client, {
    teamUrl: 'https://acme.slack.com/',
    pacer: new ChannelPacer(1000, 1000),
  });
});
afterAll(() => fake.close());

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

describe('Slack delivery', () => {
  it('after an uncertain attempt, finds the message it already posted instead of posting twice', async () => {
    fake.addMessage('C0NORTHWND', { ts: '1772463600.000100', user: 'U0INESNW01', text: 'help' });
    const first = await delivery.deliver(reply('ticket:1:reply:opened', false));
    expect(first.ok).toBe(true);
    // The process died before recording the outcome: the retry is marked uncertain.
    const retry = await delivery.deliver(reply('ticket:1:reply:opened', true));
    expect(retry).toEqual(first);
    expect(fake.posted('C0NORTHWND')).toHaveLength(1);
    // An uncertain attempt that never reached Slack posts normally.
    const other = await delivery.deliver(reply('ticket:1:reply:resolved:v3', true));
    expect(other.ok).toBe(true);
    expect(fake.posted('C0NORTHWND')).toHaveLength(2);
  });

  it('narrows Slack failures: rate limits with their wait, permanent errors, uncertain 5xx', async () => {
    fake.failNext('chat.postMessage', 1, { status: 429, retryAfterSec: 7 });
    const limited = await delivery.deliver(reply('k-429', false));
    expect(limited).toEqual({
      ok: false,
      failure: { kind: 'rate_limited', retryAfterMs: 7000, message: 'rate limited' },
    });
    fake.failNext('chat.postMessage', 1, { error: 'channel_not_found' });
    const gone = await delivery.deliver(reply('k-404', false));
    expect(gone).toEqual({ ok: false, failure: { kind: 'permanent', message: 'channel_not_found' } });
    fake.failNext('chat.postMessage', 1, { status: 502 });
    const bad = await delivery.deliver(reply('k-502', false));
    expect(bad.ok ? null : bad.failure.kind).toBe('transient');
    expect(bad.ok ? null : bad.failure.message).toMatch(/^uncertain/);
    expect(toFailure({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }).kind).toBe(
      'transient',
    );
  });
});
