import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import type { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import type { ChatAdapter } from '../../src/ports/adapter.js';
import { silentLogger } from '../../src/ports/logger.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { eventCallback, slashCommand } from '../fakes/slack/slack-payloads.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { inesWrites, VENDOR_TEAM } from '../support/slack-bot.js';
import { startTestWorker } from '../support/worker.js';

let fake: FakeSlack;
let app: TestApp;
let adapter: ChatAdapter;
let worker: OutboxWorker;

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: VENDOR_TEAM, botUserId: 'U0TIERDESK', botId: 'B0TIERDESK' });
  app = await createTestApp(undefined, { runningClock: true });
  adapter = await createSlackAdapter(
    {
      mode: 'socket',
      botToken: 'xoxb-socket-test',
      signingSecret: null,
      appToken: 'xapp-1-A00APP0001-socket-test',
      apiUrl: fake.url,
      channelRate: 200,
    },
    { deps: app.deps, logger: silentLogger, wake: () => worker?.wake() },
  );
  await adapter.start();
  worker = startTestWorker(app.deps, adapter.delivery);
});
afterAll(async () => {
  await worker.stop();
  await adapter.stop();
  await fake.close();
  await app.db.drop();
});

function customerMessage(text: string) {
  const event = inesWrites(fake, text);
  return JSON.parse(eventCallback({ teamId: VENDOR_TEAM, event, isExtSharedChannel: true })) as Record<
    string,
    unknown
  >;
}

const tickets = () =>
  app.rows<{ id: number; queue: string }>('select id::int as id, queue from tickets order by id');

describe(`Slack in Socket Mode (${TEST_DB_KIND})`, () => {
  it('connects through apps.connections.open on SLACK_API_URL with the app token', () => {
    const open = fake.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]?.token).toBe('xapp-1-A00APP0001-socket-test');
    expect(fake.socketMode.open).toBe(1);
  });

  it('acknowledges an events_api envelope and turns the message into a ticket, a reply and a card', async () => {
    const ack = await fake.socketMode.send(
      'events_api',
      customerMessage('Our SSO login fails with a SAML error'),
    );
    expect(typeof ack.envelope_id).toBe('string');
    await eventually(async () => expect(await tickets()).toEqual([{ id: 1, queue: 'security' }]));
    await eventually(() => expect(fake.posted('C0SECURITY1')).toHaveLength(1));
    await eventually(() =>
      expect(fake.posted('C0NORTHWND').some((p) => /this is ticket #1/.test(p.message.text ?? ''))).toBe(
        true,
      ),
    );
  });

  it('runs a slash command sent over the socket and answers ephemerally', async () => {
    const body = Object.fromEntries(
      new URLSearchParams(
        slashCommand({
          command: '/ticket',
          text: 'claim #1',
          userId: 'U0PRIYA001',
          teamId: VENDOR_TEAM,
          channelId: 'C0SECURITY1',
          responseUrl: fake.responseUrl('socket-claim'),
        }),
      ),
    );
    await fake.socketMode.send('slash_commands', body);
    const reply = await fake.waitForResponse((r) => r.id === 'socket-claim');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: 'Ticket #1 is yours.' });
  });

  it('reconnects when Slack refreshes the connection, and keeps receiving events', async () => {
    const before = fake.socketMode.connections;
    fake.socketMode.refresh();
    await eventually(() => {
      expect(fake.socketMode.connections).toBeGreaterThan(before);
      expect(fake.socketMode.open).toBe(1);
    });
    await fake.socketMode.send('events_api', customerMessage('Webhooks are failing with 502 response'));
    await eventually(async () => expect(await tickets()).toHaveLength(2));
  });
});
