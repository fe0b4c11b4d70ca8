import { DateTime } from 'luxon';
import { decide } from '../../domain/ticket.js';
import { autoCloseWarningKey } from '../../ports/maintenance.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { TicketRecord, UnitOfWork } from '../../ports/store.js';
import { slaInputsFor } from '../core/run-ticket-command.js';
import { commitChange, coreOf } from '../core/ticket-change.js';
import type { AppDeps } from '../deps.js';
import { threadReply } from '../shared/outbound.js';

const HOUR_MS = 3_600_000;

export interface AutoCloseCounts {
  /** Customers warned that their resolved ticket closes soon. */
  warned: number;
  /** Resolved tickets closed. */
  closed: number;
}

/** "Ticket #42 will close on Sat 7 Mar 15:30 EST unless you reply here." (tier calendar's zone) */
export function autoCloseWarningText(t: TicketRecord, autoCloseAt: number): string {
  const when = DateTime.fromMillis(autoCloseAt, { zone: t.policySnapshot.calendar.timezone });
  return `Ticket #${t.id} will close on ${when.toFormat('ccc d LLL HH:mm ZZZZ')} unless you reply here.`;
}

export function autoClosedText(t: TicketRecord): string {
  return `Ticket #${t.id} is closed. Write in the channel to open a new one.`;
}

/** The warning in the customer's thread, keyed per resolution so replicas and reruns queue it once. */
function warning(t: TicketRecord, autoCloseAt: number): OutboundMessage {
  const reply = threadReply(t, 'autoclose-warning', autoCloseWarningText(t, autoCloseAt));
  return { ...reply, key: autoCloseWarningKey(t.id, autoCloseAt) };
}

async function close(uow: UnitOfWork, t: TicketRecord, now: number): Promise<void> {
  const decision = decide(coreOf(t), { type: 'close', reason: 'auto' }, now);
  // The store only hands out resolved tickets, and a resolved ticket can always close.
  if (!decision.ok) throw decision.error;
  await commitChange(uow, t, {
    core: decision.ticket,
    events: decision.events,
    slaInputs: slaInputsFor(decision.events, now),
    actorId: null,
    at: now,
    patch: { closedAt: now, autoCloseAt: null },
    messages: (saved) => [threadReply(saved, 'auto-closed', autoClosedText(saved))],
  });
}

/**
 * One batch, one transaction: resolved tickets whose `auto_close_at` has passed are closed (timeline,
 * SLA `closed` input, card refresh, a note to the customer); those within `autoCloseWarningHours` of
 * it are warned once. Rows are locked with SKIP LOCKED, so replicas split the work; a ticket reopened
 * meanwhile has no `auto_close_at` and is never selected. A ticket already past its close time is
 * closed without a warning.
 */
export function autoCloseBatch(
  deps: AppDeps,
  now: number,
  limit: number,
): Promise<AutoCloseCounts & { seen: number }> {
  const warnUntil = now + deps.policy.lifecycle.autoCloseWarningHours * HOUR_MS;
  return deps.store.transaction(async (uow) => {
    const due = await uow.maintenance.claimAutoCloseDue(now, warnUntil, limit);
    const counts = { warned: 0, closed: 0, seen: due.length };
    for (const t of due) {
      const at = t.autoCloseAt;
      if (at === null) continue;
      if (at <= now) {
        await close(uow, t, now);
        counts.closed++;
      } else {
        await uow.outbox.enqueue([warning(t, at)], t.id, now);
        counts.warned++;
      }
    }
    return counts;
  });
}

/**
 * Runs batches until one comes back short (every handled ticket leaves the due set), at most
 * `maxBatches`; anything left is picked up by the next run.
 */
export async function runAutoClose(
  deps: AppDeps,
  now: number,
  opts: { limit?: number; maxBatches?: number } = {},
): Promise<AutoCloseCounts> {
  const { limit = 100, maxBatches = 50 } = opts;
  const total: AutoCloseCounts = { warned: 0, closed: 0 };
  for (let i = 0; i < maxBatches; i++) {
    const batch = await autoCloseBatch(deps, now, limit);
    total.warned += batch.warned;
    total.closed += batch.closed;
    if (batch.seen < limit) break;
  }
  return total;
}
