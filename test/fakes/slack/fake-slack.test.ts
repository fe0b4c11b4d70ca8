import type { WebClientOptions } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from './fake-slack.js';

const CHANNEL = 'C0SUPPORT1';
const CUSTOMER = 'U0CUSTOMR1';

let fake: FakeSlack;

const client = (opts: WebClientOptions = {}) => fake.webClient(opts);

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T0ACME0001', botUserId: 'U0TIERBOT1', botId: 'B0TIERBOT1' });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('FakeSlack speaks the Web API to a real WebClient', () => {
  it('answers auth.test with the bot identity and records the bearer token', async () => {
    const res = await client().auth.test();
    expect(res).toMatchObject({
      ok: true,
      team_id: 'T0ACME0001',
      user_id: 'U0TIERBOT1',
      bot_id: 'B0TIERBOT1',
    });
    expect(fake.callsTo('auth.test')).toEqual([
      expect.objectContaining({ token: 'xoxb-test', httpMethod: 'POST' }),
    ]);
  });

  it('stores a threaded post with metadata and returns it from conversations.replies', async () => {
    const parent = fake.addMessage(CHANNEL, { user: CUSTOMER, text: 'Our exports are failing' });
    const web = client();
    const metadata = { event_type: 'tierdesk_ticket', event_payload: { ticket_id: 'T-42', tier: 'gold' } };
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Ticket T-42* opened' } }];
    const posted = await web.chat.postMessage({
      channel: CHANNEL,
      thread_ts: parent.ts,
      text: 'Ticket T-42 opened',
      blocks,
      metadata,
    });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({
      user: 'U0TIERBOT1',
      bot_id: 'B0TIERBOT1',
      thread_ts: parent.ts,
      metadata,
    });

    // Wire format: JSON fields arrive as JSON strings inside the form body and are decoded by the fake.
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.args).toMatchObject({ channel: CHANNEL, thread_ts: parent.ts, blocks, metadata });

    const replies = await web.conversations.replies({
      channel: CHANNEL,
      ts: parent.ts,
      include_all_metadata: true,
    });
    expect(replies.messages?.map((m) => m.ts)).toEqual([parent.ts, posted.ts]);
    expect(replies.messages?.[0]).toMatchObject({ user: CUSTOMER, reply_count: 1, thread_ts: parent.ts });
    expect(replies.messages?.[1]).toMatchObject({ text: 'Ticket T-42 opened', blocks, metadata });

    // A reply's ts finds the same thread; metadata is left out unless asked for.
    const plain = await web.conversations.replies({ channel: CHANNEL, ts: posted.ts! });
    expect(plain.messages).toHaveLength(2);
    expect(plain.messages?.[1]?.metadata).toBeUndefined();
    expect(fake.posted(CHANNEL)).toHaveLength(1);
    expect(fake.threadOf(CHANNEL, parent.ts).map((m) => m.text)).toEqual([parent.text, 'Ticket T-42 opened']);
  });

  it('answers thread_not_found for an unknown thread', async () => {
    await expect(client().conversations.replies({ channel: CHANNEL, ts: '1.000001' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'thread_not_found' },
    });
  });

  it('updates the bot’s own messages and refuses others', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: CHANNEL, text: 'Waiting for an agent' });
    const res = await web.chat.update({ channel: CHANNEL, ts: ts!, text: 'Claimed by Ana', blocks: [] });
    expect(res).toMatchObject({ ok: true, channel: CHANNEL, ts, text: 'Claimed by Ana' });
    expect(fake.message(CHANNEL, ts!)).toMatchObject({ text: 'Claimed by Ana', blocks: [] });
    expect(fake.updates(CHANNEL)[0]?.message.edited?.user).toBe('U0TIERBOT1');
    expect(fake.posted(CHANNEL)[0]?.message.text).toBe('Claimed by Ana');

    await expect(web.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    const customer = fake.addMessage(CHANNEL, { user: CUSTOMER, text: 'hi' });
    await expect(web.chat.update({ channel: CHANNEL, ts: customer.ts, text: 'x' })).rejects.toMatchObject({
      data: { error: 'cant_update_message' },
    });
  });

  it('pages conversations.history newest first, honouring latest/oldest/inclusive/limit', async () => {
    for (const ts of ['1700000001.000100', '1700000002.000100', '1700000003.000100', '1700000004.000100']) {
      fake.addMessage(CHANNEL, { ts, user: CUSTOMER, text: `m${ts.slice(9, 10)}` });
    }
    fake.addMessage(CHANNEL, {
      ts: '1700000005.000100',
      user: CUSTOMER,
      text: 'reply',
      thread_ts: '1700000001.000100',
    });
    const web = client();
    const all = await web.conversations.history({ channel: CHANNEL });
    expect(all.messages?.map((m) => m.text)).toEqual(['m4', 'm3', 'm2', 'm1']);
    const page = await web.conversations.history({ channel: CHANNEL, latest: '1700000003.000100', limit: 1 });
    expect(page).toMatchObject({ has_more: true, messages: [{ text: 'm2' }] });
    const exact = await web.conversations.history({
      channel: CHANNEL,
      latest: '1700000003.000100',
      oldest: '1700000003.000100',
      inclusive: true,
      limit: 1,
    });
    expect(exact.messages?.map((m) => m.text)).toEqual(['m3']);
    expect(fake.callsTo('conversations.history')[2]?.args).toMatchObject({ inclusive: 'true', limit: '1' });
  });

  it('serves users, channels, DMs, reactions, ephemerals and views', async () => {
    fake.addUser({
      id: CUSTOMER,
      name: 'dana',
      realName: 'Dana Li',
      teamId: 'T0OTHER001',
      isRestricted: true,
    });
    fake.addChannel({ id: CHANNEL, name: 'acme-support', isExtShared: true });
    const web = client();
    const user = await web.users.info({ user: CUSTOMER });
    expect(user.user).toMatchObject({
      id: CUSTOMER,
      team_id: 'T0OTHER001',
      name: 'dana',
      real_name: 'Dana Li',
      is_bot: false,
      is_restricted: true,
      is_ultra_restricted: false,
      profile: { real_name: 'Dana Li', display_name: '' },
    });
    await expect(web.users.info({ user: 'U0NOBODY01' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    const info = await web.conversations.info({ channel: CHANNEL });
    expect(info.channel).toMatchObject({
      id: CHANNEL,
      name: 'acme-support',
      is_ext_shared: true,
      is_private: false,
    });

    const dm = await web.conversations.open({ users: CUSTOMER });
    expect(dm.channel?.id).toMatch(/^D/);
    expect((await web.conversations.open({ users: CUSTOMER })).channel?.id).toBe(dm.channel?.id);
    const toUser = await web.chat.postMessage({ channel: CUSTOMER, text: 'Hi Dana' });
    expect(toUser.channel).toBe(dm.channel?.id);

    const msg = fake.addMessage(CHANNEL, { user: CUSTOMER, text: 'help' });
    await web.reactions.add({ channel: CHANNEL, timestamp: msg.ts, name: 'ticket' });
    await expect(
      web.reactions.add({ channel: CHANNEL, timestamp: msg.ts, name: 'ticket' }),
    ).rejects.toMatchObject({
      data: { error: 'already_reacted' },
    });
    expect(fake.message(CHANNEL, msg.ts)?.reactions).toEqual([{ name: 'ticket', users: ['U0TIERBOT1'] }]);

    const eph = await web.chat.postEphemeral({ channel: CHANNEL, user: CUSTOMER, text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.ephemerals(CHANNEL)).toHaveLength(1);

    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Escalate' },
      blocks: [],
    };
    const opened = await web.views.open({ trigger_id: '1.2.abc', view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal' });
  });

  it('rejects unauthenticated and unknown calls like Slack', async () => {
    const res = await fetch(`${fake.url}auth.test`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
    await expect(client().apiCall('tickets.frobnicate')).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
  });
});

describe('FakeSlack faults', () => {
  it('turns a 429 into a rate-limit error with retryAfter and records the attempt', async () => {
    fake.failNext('chat.postMessage', 1, { status: 429, retryAfterSec: 7 });
    const err = await client({ rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: CHANNEL, text: 'hello' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({
      fault: { status: 429, retryAfterSec: 7 },
      response: { ok: false, error: 'ratelimited' },
    });
    expect(fake.posted()).toHaveLength(0);
  });

  it('without rejectRateLimitedCalls, WebClient sleeps Retry-After then fails with a request error', async () => {
    fake.failNext('chat.postMessage', 1, { status: 429, retryAfterSec: 0 });
    const err = await client()
      .chat.postMessage({ channel: CHANNEL, text: 'hello' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_request_error' });
    expect((err as { original: Error }).original.message).toContain('rate limit');
  });

  it('answers HTTP errors and ok:false faults, then delivers', async () => {
    fake.failNext('chat.postMessage', 1, { status: 503 });
    fake.failNext('chat.postMessage', 1, { error: 'channel_not_found' });
    const web = client();
    await expect(web.chat.postMessage({ channel: CHANNEL, text: 'a' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 503,
    });
    await expect(web.chat.postMessage({ channel: CHANNEL, text: 'a' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await web.chat.postMessage({ channel: CHANNEL, text: 'a' });
    expect(fake.callsTo('chat.postMessage').map((c) => Boolean(c.fault))).toEqual([true, true, false]);
    expect(fake.posted(CHANNEL)).toHaveLength(1);
  });

  it('delays answers by the configured latency and lets tests wait for calls', async () => {
    fake.setLatency(80);
    const web = client();
    const started = Date.now();
    const pending = web.chat.postMessage({ channel: CHANNEL, text: 'slow' });
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.text === 'slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    await pending;
    expect(call.response?.ok).toBe(true);
    await expect(fake.waitForCalls('chat.update', 1, 50)).rejects.toThrow(/timed out.*chat\.postMessage/);
  });

  it('holds calls until released, carries out one its client gave up on, and idle() waits for it', async () => {
    const release = fake.hold('chat.postMessage');
    await expect(
      client({ timeout: 100 }).chat.postMessage({ channel: CHANNEL, text: 'late' }),
    ).rejects.toThrow(/timeout/i);
    expect(fake.posted(CHANNEL)).toHaveLength(0);
    // Released after the client left: Slack still posts it, and the test waits for that, not a guess.
    release();
    await fake.idle();
    expect(fake.posted(CHANNEL).map((p) => p.message.text)).toEqual(['late']);
    // A hold left in place by a test is released by reset, so nothing stays stuck.
    fake.hold('*');
    const stuck = client().auth.test();
    fake.reset();
    await expect(stuck).resolves.toMatchObject({ ok: true });
  });
});

describe('FakeSlack response_url', () => {
  it('records JSON POSTs as Bolt respond() sends them', async () => {
    const url = fake.responseUrl('cmd-1');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Ticket opened', response_type: 'ephemeral' }),
    });
    expect(await res.json()).toEqual({ ok: true });
    expect(fake.responses).toEqual([
      { id: 'cmd-1', body: { text: 'Ticket opened', response_type: 'ephemeral' }, at: expect.any(Number) },
    ]);
    fake.failNext('response_url', 1, { status: 500 });
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(500);
  });
});
