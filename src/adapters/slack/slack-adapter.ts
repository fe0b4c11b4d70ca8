import { App, type Logger as BoltLogger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../app/deps.js';
import type { SlackSettings } from '../../config/env.js';
import type { ChatAdapter } from '../../ports/adapter.js';
import type { HttpServer } from '../../ports/http.js';
import type { Logger } from '../../ports/logger.js';
import { DRAIN_TIMEOUT_MS, InFlight } from '../in-flight.js';
import { registerActions } from './actions.js';
import { registerCommands } from './commands.js';
import { SlackDelivery } from './delivery.js';
import { registerEvents } from './events.js';
import { slackFetch } from './fetch.js';
import { SlackInbox } from './inbox.js';
import { ChannelPacer } from './pacer.js';
import { SLACK_EVENTS_PATH } from './paths.js';
import { SlackPeople } from './people.js';
import { type ListenerOutcome, OUTCOME_KEY, SLACK_ROUTE, SlackReceiver } from './receiver.js';

export { SLACK_EVENTS_PATH } from './paths.js';

function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  const text = (msgs: unknown[]) =>
    msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m: unknown[]) => log.debug({}, text(m)),
    info: (...m: unknown[]) => log.info({}, text(m)),
    warn: (...m: unknown[]) => log.warn({}, text(m)),
    error: (...m: unknown[]) => log.error({}, text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** Verifies the bot token once at start, so a wrong token stops start-up with a clear message. */
async function whoAmI(s: SlackSettings, logger: Logger) {
  const client = new WebClient(s.botToken, {
    ...(s.apiUrl ? { slackApiUrl: s.apiUrl } : {}),
    fetch: slackFetch(),
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    logger: boltLogger(logger),
  });
  try {
    const r = await client.auth.test();
    return {
      botUserId: r.user_id as string,
      botId: r.bot_id as string,
      teamId: r.team_id as string,
      url: (r.url as string) ?? null,
    };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
    throw new Error(
      `Slack auth.test failed (${code}): check SLACK_BOT_TOKEN${s.apiUrl ? ' and SLACK_API_URL' : ''}`,
    );
  }
}

export interface SlackAdapterContext {
  deps: AppDeps;
  logger: Logger;
  /** Wakes the outbox worker after a change queued messages. */
  wake: () => void;
}

export interface SlackAdapter extends ChatAdapter {
  /** HTTP mode: where events answered by the ingress process go (see ingress/). Null in Socket Mode. */
  inbox: SlackInbox | null;
}

/** Builds the Slack adapter on Bolt: HTTP mode on the bot's server, or Socket Mode with an app token. */
export async function createSlackAdapter(s: SlackSettings, ctx: SlackAdapterContext): Promise<SlackAdapter> {
  const logger = ctx.logger.child({ adapter: 'slack' });
  const me = await whoAmI(s, logger);
  const common = {
    token: s.botToken,
    botId: me.botId,
    botUserId: me.botUserId,
    logger: boltLogger(logger),
    ignoreSelf: true,
    // No listener keeps conversation state; Bolt's default in-memory store would be looked up on
    // every event for nothing (and would differ between replicas if anything ever wrote to it).
    convoStore: false as const,
    // The outbox retries with backoff and honours Retry-After; the client must not sleep or retry itself.
    clientOptions: {
      ...(s.apiUrl ? { slackApiUrl: s.apiUrl } : {}),
      fetch: slackFetch(),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    },
  };
  const receiver = s.mode === 'http' ? new SlackReceiver({ signingSecret: s.signingSecret!, logger }) : null;
  // Socket Mode: our own receiver, because Bolt does not hand the App's clientOptions to the
  // Socket Mode client, which would then call apps.connections.open on slack.com whatever
  // SLACK_API_URL says (GovSlack, a proxy, a test fake).
  const app = new App({
    ...common,
    receiver:
      receiver ??
      new SocketModeReceiver({
        appToken: s.appToken!,
        logger: common.logger,
        installerOptions: { clientOptions: s.apiUrl ? { slackApiUrl: s.apiUrl } : {} },
      }),
  });
  app.error(async (err) => {
    logger.error({ err }, 'slack listener failed');
  });
  // Bolt answers events before their listeners run; shutdown waits for the listeners (stop()).
  const inFlight = new InFlight();
  app.use(async ({ next, context }) => {
    try {
      await inFlight.track(next());
    } catch (err) {
      // An event from the inbox whose listener failed stays unhandled there, to be retried; a
      // request whose listener failed before acknowledging is answered 500 (receiver.ts).
      const outcome = context[OUTCOME_KEY] as ListenerOutcome | undefined;
      if (outcome) outcome.failed = true;
      throw err;
    }
  });
  const inbox = receiver ? new SlackInbox(app, ctx.deps, inFlight, logger) : null;
  const people = new SlackPeople(app.client, logger);
  registerEvents(app, {
    deps: ctx.deps,
    people,
    botUserId: me.botUserId,
    teamId: me.teamId,
    wake: ctx.wake,
    logger,
  });
  registerCommands(app, ctx);
  registerActions(app, ctx);
  logger.info({ mode: s.mode, team: me.teamId, botUserId: me.botUserId }, 'slack adapter ready');
  return {
    inbox,
    delivery: new SlackDelivery(app.client, {
      teamUrl: me.url,
      pacer: new ChannelPacer(s.channelRate, 4),
      // Its own connections too, so a page never waits for one behind the card edits.
      urgentClient: new WebClient(s.botToken, {
        ...common.clientOptions,
        fetch: slackFetch(),
        logger: common.logger,
      }),
    }),
    mount(http: HttpServer) {
      if (receiver) http.route('POST', SLACK_EVENTS_PATH, receiver.handle, SLACK_ROUTE);
    },
    async start() {
      if (!receiver) await app.start();
      inbox?.start();
    },
    async stop() {
      if (!receiver) await app.stop();
      inbox?.stop();
      const left = await inFlight.drain(DRAIN_TIMEOUT_MS);
      await inbox?.flush(); // the last records and handled marks, while the database is open
      if (left > 0) logger.error({ left }, 'shutdown: slack events still being handled were abandoned');
    },
  };
}
