import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../ports/logger.js';
import type { JournalEntry } from './journal.js';
import { prioritizeThread } from './priority.js';
import type { FromIngress, IngressConfig, ToIngress } from './protocol.js';

/** The ingress holds little: a small heap of its own keeps a runaway from taking the bot's memory. */
const INGRESS_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 };
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface IngressLinkOptions {
  config: Omit<IngressConfig, 'type'>;
  /**
   * Records one event durably (the inbox table), which lets the ingress drop it from its journal;
   * calls `settled` once the bot is done handling it.
   */
  record: (entry: JournalEntry, settled: () => void) => Promise<void>;
  /**
   * Linux: the nice value (1–19) every other thread of the process is given once the ingress
   * listens, so that answering Slack does not wait behind the bot's work (priority.ts). 0 or
   * unset leaves priorities alone.
   */
  workNice?: number;
  logger: Logger;
}

export interface IngressLink {
  /** The public port the ingress listens on. */
  port: number;
  /** Stops the ingress after it has handed over what it answered for. */
  stop(): Promise<void>;
}

/**
 * The worker's entry: the compiled `slack-ingress.js` next to this chunk in dist/; or, under tsx
 * (tests, bench), the TypeScript source, loaded through tsx, which a worker must register itself
 * (Node 20 does not apply `--import` to a worker's first module).
 */
function workerEntry(): { source: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts'))
    return { source: new URL('./slack-ingress.js', import.meta.url), eval: false };
  const ts = new URL('./ingress-worker.ts', import.meta.url).href;
  return {
    source: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(ts)}); })`,
    eval: true,
  };
}

/**
 * Starts the Slack ingress thread and keeps it running: each event it journals is recorded with
 * `record` (retried with backoff while the database refuses) and then confirmed to it; if it dies,
 * it is started again and hands over its journal. Resolves once it listens.
 */
export function startIngress(o: IngressLinkOptions): Promise<IngressLink> {
  const log = o.logger.child({ component: 'slack-ingress' });
  const entry = workerEntry();
  let worker: Worker | null = null;
  let stopping = false;
  let restartMs = RESTART_MIN_MS;

  const deliver = (w: Worker, e: JournalEntry, attempt = 0): void => {
    // The event leaves the ingress's backlog once it is both handled and recorded, so the backlog
    // bounds what the bot holds whichever of the two falls behind.
    let pending = 2;
    const settled = () => {
      if (--pending === 0 && worker === w) w.postMessage({ type: 'settled', seq: e.seq } satisfies ToIngress);
    };
    o.record(e, settled).then(
      () => {
        if (worker === w) w.postMessage({ type: 'committed', seq: e.seq } satisfies ToIngress);
        settled();
      },
      (err: unknown) => {
        const wait = Math.min(RESTART_MAX_MS, 200 * 2 ** attempt);
        log.error({ err, eventId: e.eventId, retryInMs: wait }, 'slack event not recorded; retrying');
        setTimeout(() => {
          if (worker === w) deliver(w, e, attempt + 1);
        }, wait).unref();
      },
    );
  };

  const prioritize = (tid: number, nice: number): void => {
    const p = prioritizeThread(tid, nice);
    if (p === null)
      log.warn({ nice }, 'thread priorities are not available here; the ingress shares the cores evenly');
    else if (p.ingressNice > 0)
      log.warn(
        { ingressNice: p.ingressNice },
        'the restarted slack ingress inherited the lowered priority and may not raise it (needs CAP_SYS_NICE)',
      );
    else log.debug({ threads: p.lowered, nice }, 'slack ingress runs ahead of the bot threads');
  };

  const spawn = () =>
    new Promise<number>((resolve, reject) => {
      const w = new Worker(entry.source, {
        eval: entry.eval,
        workerData: { type: 'config', ...o.config } satisfies IngressConfig,
        resourceLimits: INGRESS_LIMITS,
      });
      worker = w;
      let ready = false;
      w.on('message', (m: FromIngress) => {
        if (m.type === 'event') deliver(w, m);
        else if (m.type === 'ready') {
          ready = true;
          if (o.workNice && m.tid !== null) prioritize(m.tid, o.workNice);
          restartMs = RESTART_MIN_MS;
          resolve(m.port);
        } else reject(new Error(`slack ingress: ${m.message}`));
      });
      w.on('error', (err) => log.error({ err }, 'slack ingress failed'));
      w.once('exit', (code) => {
        if (!ready) return reject(new Error(`slack ingress stopped before listening (exit ${code})`));
        if (stopping) return;
        log.error({ code, restartInMs: restartMs }, 'slack ingress stopped; restarting it');
        restart();
      });
    });

  const restart = (): void => {
    setTimeout(() => {
      if (stopping) return;
      spawn().catch((err: unknown) => {
        log.error({ err, restartInMs: restartMs }, 'slack ingress did not restart; trying again');
        restart();
      });
    }, restartMs).unref();
    restartMs = Math.min(RESTART_MAX_MS, restartMs * 2);
  };

  return spawn().then((port) => ({
    port,
    async stop() {
      stopping = true;
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((r) => w.once('exit', () => r()));
      w.postMessage({ type: 'stop' } satisfies ToIngress);
      const timer = setTimeout(() => {
        log.error({ timeoutMs: STOP_TIMEOUT_MS }, 'slack ingress did not stop in time; stopped it');
        void w.terminate();
      }, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  }));
}
