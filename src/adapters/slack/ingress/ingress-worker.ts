import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { serve } from '../../../http/server.js';
import { createLogger } from '../../../logger.js';
import { Backlog } from './backlog.js';
import { ingressHandler } from './ingress-server.js';
import { Journal, type JournalEntry } from './journal.js';
import { currentThreadId } from './priority.js';
import type { FromIngress, IngressConfig, ToIngress } from './protocol.js';

/** How long a stopping ingress waits for the bot to confirm what it journaled. */
const STOP_WAIT_MS = 5_000;

/**
 * The Slack ingress: a worker thread `tierdesk start` runs beside the bot's own thread. It owns the
 * public port: it answers Slack's event callbacks itself, after journaling them, and passes
 * everything else through to the bot's server on loopback. Its event loop does nothing else, so
 * the answer does not wait for the bot's work.
 */
async function run(port: NonNullable<typeof parentPort>, config: IngressConfig): Promise<void> {
  const tell = (m: FromIngress) => port.postMessage(m);
  const logger = createLogger(config.logLevel).child({ component: 'slack-ingress' });
  let journal: Journal;
  try {
    journal = Journal.open(config.journalPath);
  } catch (err) {
    tell({ type: 'failed', message: (err as Error).message });
    return;
  }
  const backlog = new Backlog();
  const forward = (e: JournalEntry) => {
    backlog.opened(e.seq);
    tell({ type: 'event', ...e });
  };
  const ingress = ingressHandler({
    signingSecret: config.signingSecret,
    upstream: config.upstream,
    journal,
    forward,
    room: () => backlog.room(),
    logger,
  });
  const server = serve(ingress.handle, logger);
  const listening = await new Promise<number | Error>((resolve) => {
    server.once('error', resolve);
    server.listen(config.port, config.host, () => resolve((server.address() as AddressInfo).port));
  });
  if (listening instanceof Error) {
    tell({ type: 'failed', message: `cannot listen on ${config.host}:${config.port}: ${listening.message}` });
    journal.close();
    return;
  }
  const left = journal.entries();
  if (left.length > 0)
    logger.warn({ events: left.length }, 'slack ingress: handing over events from an earlier run');
  for (const e of left) forward(e);
  tell({ type: 'ready', port: listening, tid: currentThreadId() });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeIdleConnections();
    });
    // Whatever the bot has not confirmed stays in the journal for the next start.
    const deadline = Date.now() + STOP_WAIT_MS;
    while (journal.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    journal.close();
    ingress.close();
    port.close(); // lets the thread end
  };
  port.on('message', (m: ToIngress) => {
    if (m.type === 'committed') journal.confirm(m.seq);
    else if (m.type === 'settled') backlog.settled(m.seq);
    else if (m.type === 'stop') void stop();
  });
}

if (parentPort) await run(parentPort, workerData as IngressConfig);
