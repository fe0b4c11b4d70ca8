import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from './fake-slack.js';
import { FORM_CONTENT_TYPE, postSigned, slashCommand } from './signed-request.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0ACME0001';
const USER = 'U0CUSTOMR1';
let now = Date.parse('2026-03-02T15:00:00Z');
let fake: FakeSlack;

const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'report',
  title: { type: 'plain_text' as const, text: 'Report' },
  submit: { type: 'plain_text' as const, text: 'Send' },
  blocks: [
    {
      type: 'input',
      block_id: 'what',
      label: { type: 'plain_text', text: 'What happened' },
      element: { type: 'plain_text_input', action_id: 'what', max_length: 20 },
    },
    {
      type: 'input',
      block_id: 'more',
      optional: true,
      label: { type: 'plain_text', text: 'More' },
      element: { type: 'plain_text_input', action_id: 'more', multiline: true },
    },
  ],
  ...extra,
});

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: TEAM, now: () => now });
});
afterAll(async () => {
  await fake.close();
});

describe('FakeSlack modals', () => {
  it('views.open takes a trigger id once and within 3 s, as Slack does', async () => {
    const web = fake.webClient();
    const trigger = fake.issueTrigger(USER);
    const opened = await web.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      type: 'modal',
      callback_id: 'report',
      state: { values: {} },
      root_view_id: opened.view?.id,
      previous_view_id: null,
    });
    await expect(web.views.open({ trigger_id: trigger, view: modal() })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    const late = fake.issueTrigger(USER);
    now += 3001;
    await expect(web.views.open({ trigger_id: late, view: modal() })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    await expect(web.views.open({ trigger_id: 'nonsense', view: modal() })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
  });

  it('refuses a modal Slack would refuse, saying where', async () => {
    const web = fake.webClient();
    const long = modal({ title: { type: 'plain_text', text: 'A title longer than twenty-four' } });
    await expect(web.views.open({ trigger_id: fake.issueTrigger(USER), view: long })).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: {
          messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
        },
      },
    });
    const noSubmit = modal({ submit: undefined });
    await expect(
      web.views.open({ trigger_id: fake.issueTrigger(USER), view: noSubmit }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
  });

  it('a real Bolt app opens a modal from a slash command and receives its view_submission', async () => {
    const submitted: Array<Record<string, unknown>> = [];
    const app = new App({
      token: 'xoxb-test',
      signingSecret: SECRET,
      processBeforeResponse: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/report', async ({ ack, command, client }) => {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: modal({ private_metadata: command.channel_id }),
      });
    });
    app.view('report', async ({ ack, view, body }) => {
      await ack();
      submitted.push({ user: body.user.id, channel: view.private_metadata, values: view.state.values });
    });
    const server = await app.start(0);
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      now = Date.now();
      const command = slashCommand({
        command: '/report',
        text: '',
        userId: USER,
        teamId: TEAM,
        channelId: 'C0SUPPORT1',
        responseUrl: fake.responseUrl(),
        triggerId: fake.issueTrigger(USER),
      });
      expect((await postSigned(endpoint, command, FORM_CONTENT_TYPE, SECRET)).status).toBe(200);
      const view = fake.views().at(-1)!;
      expect(() => fake.viewSubmission(String(view.id), {})).toThrow(/"what" is required/);
      expect(() => fake.viewSubmission(String(view.id), { what: 'x'.repeat(21) })).toThrow(/max_length/);
      const body = fake.viewSubmission(String(view.id), { what: 'Exports fail' });
      expect((await postSigned(endpoint, body, FORM_CONTENT_TYPE, SECRET)).status).toBe(200);
      expect(submitted).toEqual([
        {
          user: USER,
          channel: 'C0SUPPORT1',
          values: {
            what: { what: { type: 'plain_text_input', value: 'Exports fail' } },
            more: { more: { type: 'plain_text_input', value: null } },
          },
        },
      ]);
    } finally {
      await app.stop();
    }
  });
});
