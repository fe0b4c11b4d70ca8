import type { IngressLink } from './adapters/slack/ingress/ingress-link.js';
import type { SlackAdapter } from './adapters/slack/slack-adapter.js';
import { outboxBacklog } from './app/delivery/outbox-backlog.js';
import type { AppDeps } from './app/deps.js';
import { syncPolicyRotations } from './app/directory/import-directory.js';
import { meteredStore } from './app/metrics/metered-store.js';
import { discordSettings, type Env, MIGRATIONS_DIR, slackSettings } from './config/env.js';
import { formatProblem, loadPolicy } from './config/policy.js';
import type { Platform } from './domain/policy.js';
import { healthz, readyz } from './http/health.js';
import { metricsRoute } from './http/metrics.js';
import { createHttpServer } from './http/server.js';
import * as autoClose from './jobs/auto-close.js';
import * as countdownRefresh from './jobs/countdown-refresh.js';
import { OutboxWorker } from './jobs/outbox-worker.js';
import * as pruneInbox from './jobs/prune-inbox.js';
import * as queueDigest from './jobs/queue-digest.js';
import { type CronJob, Scheduler } from './jobs/scheduler.js';
import { createLogger } from './logger.js';
import { PrometheusMetrics } from './metrics/prometheus.js';
import type { ChatAdapter } from './ports/adapter.js';
import type { ChatDelivery } from './ports/chat.js';
import { OffsetClock, systemClock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import { type Database, DatabaseLockedError, openDatabase, ping } from './store/db.js';
import { SandboxStore } from './store/sandbox-repo.js';
import { DrizzleStore } from './store/store.js';

/** Housekeeping jobs on cron schedules (the SLA tick is the scheduler's own). README lists them. */
const CRON_JOBS: CronJob[] = [autoClose, queueDigest, countdownRefresh, pruneInbox];

/** Where the database lives, for the start-up log, without credentials. */
function describeDatabase(env: Env): string {
  if (!env.DATABASE_URL) return `embedded PGlite in ${env.TIERDESK_DATA_DIR}`;
  const u = new URL(env.DATABASE_URL);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * A promise nobody awaited was rejected: logged, and the bot goes on. Node's default ends the
 * process, and a library's fire-and-forget handler of wire input is where such promises come from
 * (discord.js parses each gateway frame in one: a frame without its data, or not JSON, rejected it
 * and stopped the bot). Every state change lives in Postgres inside a transaction, so there is no
 * half-done work in memory to protect by exiting. Synchronous uncaught exceptions still end it.
 */
function keepRunningOnUnhandledRejections(logger: Logger): void {
  if (process.listenerCount('unhandledRejection') > 0) return;
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection; the bot goes on');
  });
}

/** Composition root: builds the dependencies from the parsed environment and runs until a signal. */
export async function start(env: Env): Promise<number> {
  const logger = createLogger(env.LOG_LEVEL);
  keepRunningOnUnhandledRejections(logger);
  const loaded = loadPolicy(env.TIERDESK_POLICY);
  if (!loaded.ok) {
    for (const p of loaded.problems) logger.error({ problem: p }, formatProblem(p));
    logger.error(
      { file: env.TIERDESK_POLICY, problems: loaded.problems.length },
      'invalid policy; not starting',
    );
    return 1;
  }
  let database: Database;
  try {
    database = await openDatabase({
      url: env.DATABASE_URL,
      dataDir: env.TIERDESK_DATA_DIR,
      poolSize: env.DATABASE_POOL_SIZE,
      prepare: env.DATABASE_PREPARE,
      serve: true,
    });
  } catch (err) {
    if (!(err instanceof DatabaseLockedError)) throw err;
    logger.error({ pid: err.holder.pid }, `${err.message}; not starting`);
    return 1;
  }
  await database.migrate(MIGRATIONS_DIR);
  const slack = slackSettings(env);
  const discord = discordSettings(env);
  const realPlatform = slack !== null || discord !== null;
  const sandbox = env.TIERDESK_SANDBOX === 'on' || (env.TIERDESK_SANDBOX === 'auto' && !realPlatform);
  // The sandbox alone may fast-forward time; next to a real platform, time is the wall clock.
  const sandboxClock = sandbox ? new OffsetClock() : null;
  const metrics = new PrometheusMetrics({
    policy: loaded.policy,
    backlog: () => outboxBacklog(deps, deps.platforms ?? []),
    logger,
  });
  const deps: AppDeps = {
    // Observed after commit: what this process commits, it counts (README: Metrics).
    store: meteredStore(new DrizzleStore(database.db), { metrics, logger }),
    clock: sandboxClock ?? systemClock,
    policy: loaded.policy,
    logger,
    metrics,
  };
  const synced = await syncPolicyRotations(deps);
  if (!synced.ok) logger.warn({ error: synced.error.message }, 'could not sync policy rotations');

  const http = createHttpServer(logger);
  const adapters: ChatAdapter[] = [];
  const deliveries = new Map<Platform, ChatDelivery>();
  const worker = new OutboxWorker(deps, deliveries);
  let scheduler: Scheduler | null = null;
  // After a change: deliver what it queued, and let the SLA tick act on what it made due (a chain
  // started by /ticket escalate pages at once, not at the next backstop run).
  const wake = () => {
    worker.wake();
    void scheduler?.tick(true);
  };
  try {
    // Each adapter (and its SDK: Bolt, discord.js, esbuild) is loaded only when configured; an
    // unused SDK would cost tens of MB of memory and start-up time.
    if (slack) {
      const { createSlackAdapter } = await import('./adapters/slack/slack-adapter.js');
      adapters.push(await createSlackAdapter(slack, { deps, logger, wake }));
    }
    if (discord) {
      const { createDiscordAdapter } = await import('./adapters/discord/discord-adapter.js');
      adapters.push(createDiscordAdapter(discord, { deps, logger, wake }));
    }
    if (sandboxClock) {
      const { createSandboxAdapter } = await import('./adapters/sandbox/sandbox-adapter.js');
      adapters.push(
        createSandboxAdapter(
          { seedFile: env.TIERDESK_SANDBOX_SEED, clockControllable: !realPlatform },
          { deps, sandbox: new SandboxStore(database.db), logger, clock: sandboxClock, wake },
        ),
      );
    }
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'a chat adapter could not start; not starting');
    await database.close();
    return 1;
  }
  const slackAdapter = adapters.find((a): a is SlackAdapter => 'inbox' in a && a.inbox !== null) ?? null;
  if (adapters.length === 0)
    logger.warn(
      {},
      'no chat platform configured (set SLACK_BOT_TOKEN … or TIERDESK_SANDBOX=on); tickets can only come from the CLI',
    );
  for (const a of adapters) {
    deliveries.set(a.delivery.platform, a.delivery);
    a.mount(http);
  }
  deps.platforms = [...deliveries.keys()];

  let ready = true;
  http.route('GET', '/healthz', healthz);
  http.route('GET', '/metrics', metricsRoute(metrics, env.METRICS_TOKEN ?? null));
  http.route(
    'GET',
    '/readyz',
    readyz(async () => {
      if (!ready) return { ready: false, database: database.kind, detail: 'shutting down' };
      await ping(database.db);
      return { ready: true, database: database.kind };
    }),
  );
  // The sandbox has no login: alone, it listens on loopback unless HOST says otherwise.
  const host = env.HOST ?? (sandbox && !realPlatform ? '127.0.0.1' : '0.0.0.0');
  // With the Slack ingress, it owns the public port and the bot's server listens on loopback only.
  const ingressed = slackAdapter !== null && slack?.ingress?.mode === 'thread';
  let port = await http.listen(ingressed ? 0 : env.PORT, ingressed ? '127.0.0.1' : host);
  let ingress: IngressLink | null = null;
  try {
    for (const a of adapters) await a.start();
    if (ingressed) {
      const { startIngress } = await import('./adapters/slack/ingress/ingress-link.js');
      ingress = await startIngress({
        config: {
          port: env.PORT,
          host,
          signingSecret: slack.signingSecret!,
          journalPath: slack.ingress!.journal,
          upstream: { host: '127.0.0.1', port },
          logLevel: env.LOG_LEVEL,
        },
        record: (e, settled) => slackAdapter.inbox!.record(e, settled),
        workNice: slack.ingress!.workNice,
        logger,
      });
      port = ingress.port;
    }
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'a chat adapter could not connect; not starting');
    for (const a of adapters) await a.stop();
    await http.close();
    await database.close();
    return 1;
  }
  worker.start();
  scheduler = new Scheduler(deps, CRON_JOBS, () => worker.wake());
  scheduler.start();
  if (sandboxClock) {
    logger.info(
      { url: `http://localhost:${port}/`, clock: realPlatform ? 'wall clock' : 'fast-forward enabled' },
      `sandbox: open http://localhost:${port}/ in a browser`,
    );
    if (!['127.0.0.1', 'localhost', '::1'].includes(host))
      logger.warn(
        { host },
        'the sandbox lets anyone who reaches this port act as any person of the directory; set HOST=127.0.0.1 or TIERDESK_SANDBOX=off outside a trusted machine',
      );
  }
  logger.info(
    {
      port,
      database: describeDatabase(env),
      policy: env.TIERDESK_POLICY,
      commandsSocket: database.socket ?? undefined,
    },
    `tierdesk ready on http://localhost:${port}`,
  );

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      logger.info({ signal }, 'shutting down');
      ready = false;
      // Stop taking work, finish what is in flight, then close the pool. The ingress goes first:
      // it hands over what it answered Slack for while the database is still open.
      await ingress?.stop();
      for (const a of adapters) await a.stop();
      await http.close();
      await scheduler.stop();
      await worker.stop();
      await database.close();
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
