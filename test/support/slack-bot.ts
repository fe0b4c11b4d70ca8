import { type IngressLink, startIngress } from '../../src/adapters/slack/ingress/ingress-link.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/slack-adapter.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import type { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import { type Logger, silentLogger } from '../../src/ports/logger.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import {
  blockActions,
  eventCallback,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  postSigned,
  slashCommand,
} from '../fakes/slack/signed-request.js';
import { freshTs, messageEvent } from '../fakes/slack/slack-events.js';
import { createTestApp, type TestApp } from './app.js';
import { startTestWorker } from './worker.js';

export const SIGNING_SECRET = '8f742231b10e8888abcd99eeeeee85a5';
/** The vendor's own workspace (where tierdesk is installed) and the customers' Slack Connect workspace. */
export const VENDOR_TEAM = 'T0VENDOR01';
export const NORTHWIND_TEAM = 'T0NORTHWND';

export interface SlackBot {
  app: TestApp;
  fake: FakeSlack;
  http: HttpServer;
  worker: OutboxWorker;
  /** The Slack adapter itself (its stop() is what shutdown calls). */
  adapter: SlackAdapter;
  /** http://127.0.0.1:PORT/slack/events */
  endpoint: string;
  /** Sends a signed event_callback to this bot's endpoint; returns the HTTP response. */
  event(event: Record<string, unknown>, opts?: { eventId?: string; retryNum?: number }): Promise<Response>;
  command(
    command: string,
    text: string,
    userId: string,
    channelId?: string,
  ): Promise<{ status: number; reply: () => Promise<string> }>;
  click(
    userId: string,
    action: { action_id: string; value?: string; block_id?: string; selected?: string },
  ): Promise<{ status: number; reply: () => Promise<string | null> }>;
  /** Waits until the outbox has nothing pending. */
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real Slack adapter (Bolt, HTTP mode) on the bot's HTTP server, talking to a fake Slack. With
 * `ingress`, the real ingress process (as `tierdesk start` forks it) answers in front of it, with
 * its journal at that path.
 */
export async function startSlackBot(
  shared?: { app: TestApp; fake: FakeSlack },
  opts: { ingressJournal?: string; logger?: Logger } = {},
): Promise<SlackBot> {
  const fake =
    shared?.fake ??
    (await FakeSlack.start({ teamId: VENDOR_TEAM, botUserId: 'U0TIERDESK', botId: 'B0TIERDESK' }));
  const app = shared?.app ?? (await createTestApp(undefined, { runningClock: true }));
  const http = createHttpServer(silentLogger);
  let worker: OutboxWorker | null = null;
  const adapter = await createSlackAdapter(
    {
      mode: 'http',
      botToken: 'xoxb-test-token',
      signingSecret: SIGNING_SECRET,
      appToken: null,
      apiUrl: fake.url,
      channelRate: 200,
    },
    { deps: app.deps, logger: opts.logger ?? silentLogger, wake: () => worker?.wake() },
  );
  adapter.mount(http);
  let port = await http.listen(0, '127.0.0.1');
  let ingress: IngressLink | null = null;
  if (opts.ingressJournal) {
    ingress = await startIngress({
      config: {
        port: 0,
        host: '127.0.0.1',
        signingSecret: SIGNING_SECRET,
        journalPath: opts.ingressJournal,
        upstream: { host: '127.0.0.1', port },
        logLevel: 'silent',
      },
      record: (e, settled) => adapter.inbox!.record(e, settled),
      logger: silentLogger,
    });
    port = ingress.port;
  }
  await adapter.start();
  worker = startTestWorker(app.deps, adapter.delivery, 30_000);
  const endpoint = `http://127.0.0.1:${port}/slack/events`;
  let seq = 0;
  return {
    app,
    fake,
    http,
    worker,
    adapter,
    endpoint,
    event: (event, opts = {}) =>
      postSigned(
        endpoint,
        eventCallback({ teamId: VENDOR_TEAM, event, ...(opts.eventId ? { eventId: opts.eventId } : {}) }),
        JSON_CONTENT_TYPE,
        SIGNING_SECRET,
        {
          ...(opts.retryNum !== undefined ? { retryNum: opts.retryNum, retryReason: 'http_timeout' } : {}),
        },
      ),
    async command(command, text, userId, channelId = 'C0ENTENG01') {
      const id = `cmd-${++seq}`;
      const body = slashCommand({
        command,
        text,
        userId,
        teamId: VENDOR_TEAM,
        channelId,
        responseUrl: fake.responseUrl(id),
        triggerId: fake.issueTrigger(userId),
      });
      const res = await postSigned(endpoint, body, FORM_CONTENT_TYPE, SIGNING_SECRET);
      return {
        status: res.status,
        reply: async () => {
          const r = await fake.waitForResponse((x) => x.id === id);
          return String((r.body as { text?: string }).text ?? '');
        },
      };
    },
    async click(userId, action) {
      const id = `act-${++seq}`;
      const body = blockActions({
        userId,
        teamId: VENDOR_TEAM,
        channelId: 'C0ENTENG01',
        messageTs: '1772463600.999999',
        responseUrl: fake.responseUrl(id),
        actions: [
          {
            action_id: action.action_id,
            ...(action.block_id ? { block_id: action.block_id } : {}),
            ...(action.selected
              ? {
                  type: 'static_select' as const,
                  selected_option: { value: action.selected, text: action.selected },
                }
              : { type: 'button' as const, value: action.value ?? '' }),
          },
        ],
      });
      const res = await postSigned(endpoint, body, FORM_CONTENT_TYPE, SIGNING_SECRET);
      return {
        status: res.status,
        reply: async () => {
          const r = await fake.waitForResponse((x) => x.id === id, 1500).catch(() => null);
          return r ? String((r.body as { text?: string }).text ?? '') : null;
        },
      };
    },
    async drained(timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await app.rows<{ n: string }>(
          "select count(*) as n from outbox where status = 'pending'",
        );
        if (Number(row!.n) === 0) return;
        if (Date.now() > end) throw new Error('outbox not drained');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await ingress?.stop();
      await adapter.stop();
      await http.close();
      await worker?.stop();
      if (shared) return; // a replica: the database and the fake belong to the first bot
      await fake.close();
      await app.db.drop();
    },
  };
}

/**
 * Inés of Northwind (a Slack Connect customer) writes `text` in the linked channel: the message is
 * stored in the fake Slack and its `message` event returned, ready to send.
 */
export function inesWrites(fake: FakeSlack, text: string, ts = freshTs()) {
  fake.addMessage('C0NORTHWND', { ts, user: 'U0INESNW01', text, team: NORTHWIND_TEAM });
  return messageEvent({
    channel: 'C0NORTHWND',
    user: 'U0INESNW01',
    text,
    ts,
    team: NORTHWIND_TEAM,
    user_team: NORTHWIND_TEAM,
  });
}
