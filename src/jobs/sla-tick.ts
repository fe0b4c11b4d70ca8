import type { AppDeps } from '../app/deps.js';
import { runEscalationTick } from '../app/escalation/run-escalation-tick.js';
import type { RecipientBooks } from '../app/paging/escalation-recipients.js';
import { runSlaTick } from '../app/sla/run-sla-tick.js';

const BATCH = 50;
/** Bounds one run; what is left is picked up by the next run a moment later. */
const MAX_BATCHES = 50;

/**
 * The SLA tick: evaluates every ticket and escalation that is due at `now`, in batches, SLA first
 * (a breach starts an escalation that pages in the same run). Idempotent and replica-safe.
 */
export async function run(
  deps: AppDeps,
  now: number,
  /** Called after each committed batch that did work (wakes the outbox worker). */
  onBatch: () => void = () => {},
): Promise<{ tickets: number; escalations: number }> {
  // Real time, not the app's clock (the sandbox moves that one): how long the work took.
  const started = performance.now();
  try {
    return await runBatches(deps, now, onBatch);
  } finally {
    deps.metrics.slaTick((performance.now() - started) / 1000);
  }
}

async function runBatches(
  deps: AppDeps,
  now: number,
  onBatch: () => void,
): Promise<{ tickets: number; escalations: number }> {
  let tickets = 0;
  let escalations = 0;
  // Who is on call, and how to reach them, at `now`: loaded once for the run, not once a batch.
  const books: RecipientBooks = new Map();
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await runSlaTick(deps, now, BATCH, books);
    tickets += n;
    if (n > 0) onBatch();
    if (n < BATCH) break;
  }
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await runEscalationTick(deps, now, BATCH, books);
    escalations += n;
    if (n > 0) onBatch();
    if (n < BATCH) break;
  }
  return { tickets, escalations };
}

/** When the SLA tick has work next (earliest clock check or escalation step); null when none. */
export async function nextDueAt(deps: AppDeps): Promise<number | null> {
  return deps.store.withoutTransaction(async (uow) => {
    const [a, b] = await Promise.all([uow.tickets.nextSlaCheckAt(), uow.escalations.nextCheckAt()]);
    if (a === null) return b;
    if (b === null) return a;
    return Math.min(a, b);
  });
}
