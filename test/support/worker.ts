import type { AppDeps } from '../../src/app/deps.js';
import type { Platform } from '../../src/domain/policy.js';
import { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import * as slaTick from '../../src/jobs/sla-tick.js';
import type { ChatDelivery } from '../../src/ports/chat.js';
import type { FakeClock } from '../fakes/clock.js';

/** The outbox worker as production runs it, polling every 50 ms so tests see deliveries at once. */
export function startTestWorker(deps: AppDeps, delivery: ChatDelivery, leaseMs = 15_000): OutboxWorker {
  const worker = new OutboxWorker(deps, new Map<Platform, ChatDelivery>([[delivery.platform, delivery]]), {
    batchSize: 50,
    leaseMs,
    maxAttempts: 12,
    maxBackoffMs: 60_000,
    idleMs: 50,
  });
  worker.start();
  return worker;
}

/** Moves the clock and runs the SLA tick as the scheduler would, then lets the outbox deliver. */
export async function advanceAndTick(
  bot: { app: { clock: FakeClock; deps: AppDeps }; worker: OutboxWorker; drained(): Promise<void> },
  minutes: number,
): Promise<void> {
  bot.app.clock.advanceMinutes(minutes);
  await slaTick.run(bot.app.deps, bot.app.clock.now());
  bot.worker.wake();
  await bot.drained();
}
