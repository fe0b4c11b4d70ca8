import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from './fake-slack.js';
import {
  blockActions,
  eventCallback,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  messageEvent,
  postSigned,
  reactionAddedEvent,
  signSlackRequest,
  slashCommand,
  urlVerification,
} from './signed-request.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0ACME0001';
const CHANNEL = 'C0SUPPORT1';
const CUSTOMER = 'U0CUSTOMR1';

let fake: FakeSlack;
let app: App;
let endpoint: string;
let authTests: number;
const seen: Array<Record<string, unknown>> = [];

/** A tiny app exercising what tierdesk does: real Bolt code, our payloads, the fake Web API. */
function buildApp(): App {
  const bolt = new App({
    token: 'xoxb-test',
    signingSecret: SECRET,
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
  });
  bolt.event('reaction_added', async ({ event, client }) => {
    if (event.reaction !== 'ticket' || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const found = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
    const original = found.messages?.[0];
    await client.chat.postMessage({
      channel,
      thread_ts: ts,
      text: `Ticket opened: ${original?.text}`,
      metadata: { event_type: 'tierdesk_ticket', event_payload: { source_ts: ts } },
    });
  });
  bolt.message(async ({ message, context }) => {
    seen.push({ ...message, retryNum: context.retryNum, retryReason: context.retryReason });
  });
  bolt.command('/ticket', async ({ ack, respond, command }) => {
    await ack();
    await respond({ response_type: 'ephemeral', text: `Opening "${command.text}"` });
  });
  bolt.action('claim', async ({ ack, body, client, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !body.channel || !body.message) return;
    await client.chat.update({
      channel: body.channel.id,
      ts: body.message.ts,
      text: `Claimed by ${body.user.id}`,
    });
  });
  return bolt;
}

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: TEAM });
  app = buildApp();
  authTests = (await fake.waitForCalls('auth.test', 1)).length;
  const server = await app.start(0);
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await app.stop();
  await fake.close();
});
beforeEach(() => {
  fake.reset({ keepState: true });
  seen.length = 0;
});

describe('real Bolt against FakeSlack and signed payloads', () => {
  it('verified its token with auth.test at construction', () => {
    expect(authTests).toBe(1);
  });

  it('turns a 🎫 reaction into a threaded post, looking the message up first', async () => {
    const original = fake.addMessage(CHANNEL, { user: CUSTOMER, text: 'SSO is down for us' });
    const event = reactionAddedEvent({
      user: 'U0AGENT001',
      reaction: 'ticket',
      item: { type: 'message', channel: CHANNEL, ts: original.ts },
      item_user: CUSTOMER,
    });
    const res = await postSigned(endpoint, eventCallback({ teamId: TEAM, event }), JSON_CONTENT_TYPE, SECRET);
    expect(res.status).toBe(200);
    const [post] = fake.posted(CHANNEL);
    expect(post?.message).toMatchObject({
      text: 'Ticket opened: SSO is down for us',
      thread_ts: original.ts,
      metadata: { event_type: 'tierdesk_ticket', event_payload: { source_ts: original.ts } },
    });
    expect(post?.token).toBe('xoxb-test');
  });

  it('delivers message events with Slack Connect fields and retry context', async () => {
    const event = messageEvent({
      channel: CHANNEL,
      user: CUSTOMER,
      text: 'hello',
      ts: '1772463600.000100',
      user_team: 'T0OTHER001',
      source_team: 'T0OTHER001',
    });
    const body = eventCallback({ teamId: TEAM, event, isExtSharedChannel: true });
    const opts = { retryNum: 1, retryReason: 'http_timeout' };
    expect((await postSigned(endpoint, body, JSON_CONTENT_TYPE, SECRET, opts)).status).toBe(200);
    expect(seen).toEqual([
      expect.objectContaining({
        user_team: 'T0OTHER001',
        text: 'hello',
        retryNum: 1,
        retryReason: 'http_timeout',
      }),
    ]);
  });

  it('answers a slash command through the fake response_url', async () => {
    const body = slashCommand({
      command: '/ticket',
      text: 'billing & invoices',
      userId: CUSTOMER,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: fake.responseUrl('cmd'),
    });
    expect((await postSigned(endpoint, body, FORM_CONTENT_TYPE, SECRET)).status).toBe(200);
    expect(fake.responses).toEqual([
      expect.objectContaining({
        id: 'cmd',
        body: { response_type: 'ephemeral', text: 'Opening "billing & invoices"' },
      }),
    ]);
  });

  it('routes a block action and lets the listener update the message', async () => {
    const { message } = await app.client.chat.postMessage({ channel: CHANNEL, text: 'New ticket' });
    const body = blockActions({
      userId: 'U0AGENT001',
      teamId: TEAM,
      channelId: CHANNEL,
      messageTs: message!.ts!,
      actions: [{ action_id: 'claim', value: 'ticket-1', type: 'button' }],
      responseUrl: fake.responseUrl(),
    });
    expect((await postSigned(endpoint, body, FORM_CONTENT_TYPE, SECRET)).status).toBe(200);
    expect(fake.message(CHANNEL, message!.ts!)?.text).toBe('Claimed by U0AGENT001');
  });

  it('answers url_verification and refuses bad or stale signatures', async () => {
    const challenge = await postSigned(endpoint, urlVerification('c-123'), JSON_CONTENT_TYPE, SECRET);
    expect(await challenge.json()).toEqual({ challenge: 'c-123' });
    const body = eventCallback({
      teamId: TEAM,
      event: messageEvent({ channel: CHANNEL, user: CUSTOMER, text: 'x', ts: '1.1' }),
    });
    const bad = await postSigned(endpoint, body, JSON_CONTENT_TYPE, SECRET, { badSignature: true });
    expect(bad.status).toBe(401);
    const stale = await postSigned(endpoint, body, JSON_CONTENT_TYPE, SECRET, {
      timestampSec: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    expect(seen).toHaveLength(0);
  });
});

describe('signSlackRequest', () => {
  it('matches a reference HMAC and Bolt’s own verifier', () => {
    const body = 'token=abc&text=hello%20world';
    const ts = 1_772_463_600;
    const headers = signSlackRequest(SECRET, body, ts);
    const reference = createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');
    expect(headers).toEqual({
      'x-slack-signature': `v0=${reference}`,
      'x-slack-request-timestamp': '1772463600',
    });
    const verify = (signature: string) =>
      verifySlackRequest({
        signingSecret: SECRET,
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: ts * 1000 + 1000,
      });
    expect(() => verify(headers['x-slack-signature'])).not.toThrow();
    expect(() => verify(signSlackRequest('other', body, ts)['x-slack-signature'])).toThrow();
  });

  it('reproduces the example from Slack’s signing documentation', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const { 'x-slack-signature': signature } = signSlackRequest(
      '8f742231b10e8888abcd99yyyzzz85a5',
      body,
      1531420618,
    );
    expect(signature).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });
});
