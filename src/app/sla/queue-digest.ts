import { DateTime } from 'luxon';
import type { Platform, QueuePolicy } from '../../domain/policy.js';
import type { QueueDigestCounts } from '../../ports/maintenance.js';
import type { OutboundMessage } from '../../ports/outbound.js';
import type { AppDeps } from '../deps.js';

/** A clock due within this much wall-clock time counts as at risk. */
export const AT_RISK_MINUTES = 60;
const OLDEST_UNCLAIMED = 5;

export interface QueueDigestResult {
  /** Digest messages queued by this run (one per queue channel). */
  queued: number;
  /** Queues whose digest this run queued. */
  queues: string[];
}

/**
 * The local date (`YYYY-MM-DD`, in the queue's zone) whose digest is due at `now`, or null: due once
 * the queue's local clock has reached `digestAt` today, until local midnight. A run after midnight
 * looks at the new day only, so a missed digest is sent late the same day but never the day after.
 * DST is handled by luxon: 09:00 New York is 14:00Z in winter and 13:00Z in summer.
 */
export function digestDateAt(queue: QueuePolicy, now: number): string | null {
  if (!queue.digestAt) return null;
  const local = DateTime.fromMillis(now, { zone: queue.timezone });
  const [hour = 0, minute = 0] = queue.digestAt.split(':').map(Number);
  const due = local.set({ hour, minute, second: 0, millisecond: 0 });
  return now >= due.toMillis() ? local.toISODate() : null;
}

export function digestKey(queue: string, platform: Platform, localDate: string): string {
  return `digest:${queue}:${platform}:${localDate}`;
}

export function digestText(queue: QueuePolicy, localDate: string, c: QueueDigestCounts): string {
  const day = DateTime.fromISO(localDate, { zone: queue.timezone }).toFormat('ccc d LLL');
  const oldest =
    c.oldestUnclaimed.length > 0
      ? `Oldest unclaimed: ${c.oldestUnclaimed.map((id) => `#${id}`).join(', ')}`
      : 'Nothing unclaimed.';
  return [
    `Daily digest — ${queue.label} (${day})`,
    `Open: ${c.open} · At risk (due within ${AT_RISK_MINUTES} min): ${c.atRisk} · Breached: ${c.breached} · Unclaimed: ${c.unclaimed}`,
    oldest,
  ].join('\n');
}

interface Pending {
  queue: QueuePolicy;
  localDate: string;
  platform: Platform;
  channelId: string;
  key: string;
}

function dueDigests(queues: QueuePolicy[], now: number, enabled: readonly Platform[] | undefined): Pending[] {
  return queues.flatMap((queue) => {
    const localDate = digestDateAt(queue, now);
    if (localDate === null) return [];
    return (Object.entries(queue.channels) as Array<[Platform, string | undefined]>).flatMap(
      ([platform, channelId]) =>
        channelId && (!enabled || enabled.includes(platform))
          ? [{ queue, localDate, platform, channelId, key: digestKey(queue.name, platform, localDate) }]
          : [],
    );
  });
}

function digestMessage(p: Pending, counts: QueueDigestCounts): OutboundMessage {
  return {
    key: p.key,
    platform: p.platform,
    orderingKey: `digest:${p.queue.name}:${p.platform}`,
    body: {
      kind: 'channel_message',
      channelId: p.channelId,
      text: digestText(p.queue, p.localDate, counts),
      mentions: [],
      ticketId: null,
      inCardThread: false,
    },
  };
}

/**
 * Queues today's digest of every queue whose `digestAt` has passed in its own zone, one message per
 * queue channel, in one transaction. Keys already in the outbox are skipped before counting, so
 * runs after the first cost one indexed lookup; two replicas racing both insert the same key and
 * the outbox keeps one. Counts come from one grouped query over the queues still due.
 */
export function runQueueDigest(deps: AppDeps, now: number): Promise<QueueDigestResult> {
  const due = dueDigests(deps.policy.queues, now, deps.platforms);
  if (due.length === 0) return Promise.resolve({ queued: 0, queues: [] });
  return deps.store.transaction(async (uow) => {
    const queued = await uow.maintenance.queuedKeys(due.map((d) => d.key));
    const pending = due.filter((d) => !queued.has(d.key));
    if (pending.length === 0) return { queued: 0, queues: [] };
    const names = [...new Set(pending.map((p) => p.queue.name))];
    const counts = await uow.maintenance.queueDigestCounts(names, {
      now,
      atRiskMs: AT_RISK_MINUTES * 60_000,
      oldestLimit: OLDEST_UNCLAIMED,
    });
    const byQueue = new Map(counts.map((c) => [c.queue, c]));
    const messages = pending.flatMap((p) => {
      const c = byQueue.get(p.queue.name);
      return c ? [digestMessage(p, c)] : [];
    });
    await uow.outbox.enqueue(messages, null, now);
    return { queued: messages.length, queues: names };
  });
}
