import type { Priority } from '../policy.js';

/** The three clocks of a ticket (see shared SLA.md). */
export type ClockKind = 'first_response' | 'next_update' | 'resolution';
export const CLOCK_KINDS: readonly ClockKind[] = ['first_response', 'next_update', 'resolution'];

/** A half-open interval [from, to) of epoch ms; `to` null = still running. */
export interface PauseInterval {
  from: number;
  to: number | null;
}

/**
 * State of one clock. All instants are epoch ms (UTC); `targetMs` is business time in ms.
 * A clock with `metAt` or `stoppedAt` set is finished and never due again.
 */
export interface ClockState {
  kind: ClockKind;
  /** Instant the clock measures from (creation; for next_update the last public agent reply). */
  startedAt: number;
  targetMs: number;
  /** Wall-clock intervals during which business time does not count. */
  pauses: PauseInterval[];
  /** Deadline, null while paused. */
  dueAt: number | null;
  /** Instant the deadline passed unmet (for a priority change: the instant of the change). */
  breachedAt: number | null;
  metAt: number | null;
  /** The clock no longer applies (e.g. next_update after resolution); not met, not breached. */
  stoppedAt: number | null;
  /** Warning fractions already emitted. */
  warned: number[];
}

/**
 * The ticket's status as the clocks see it: `waiting` = waiting on the customer (update and
 * resolution paused); `resolved` may still be reopened; `closed` is final.
 */
export type SlaTicketStatus = 'open' | 'waiting' | 'resolved' | 'closed';

/** Clocks of one ticket. `next_update` is null until the first response (or when the tier has no cadence). */
export interface SlaState {
  priority: Priority;
  clocks: Record<ClockKind, ClockState | null>;
  /** Absent in states written before it existed: read as `open`. */
  status?: SlaTicketStatus;
  /** Epoch ms of the resolution while `status` is `resolved` (start of the pause a reopen adds). */
  resolvedAt?: number | null;
}

/** Ticket facts that move clocks. */
export type SlaInput =
  | { type: 'agent_public_reply'; at: number }
  | { type: 'waiting_on_customer'; at: number }
  | { type: 'resumed'; at: number }
  | { type: 'resolved'; at: number }
  | { type: 'reopened'; at: number }
  | { type: 'closed'; at: number }
  | { type: 'priority_changed'; at: number; priority: Priority };

/**
 * What the clocks decided; `at` (epoch ms) is when it happened. For a breach `at` is the breach
 * instant: the deadline `dueAt` when the clock ran out, or the instant of the change (priority change,
 * reopen) that moved its deadline into the past, never earlier; `at > dueAt` tells the two apart.
 */
export type SlaAction =
  | { type: 'warning'; clock: ClockKind; fraction: number; dueAt: number; at: number }
  | { type: 'breach'; clock: ClockKind; dueAt: number; at: number }
  | { type: 'met'; clock: ClockKind; dueAt: number | null; at: number; breachedAt: number | null };
