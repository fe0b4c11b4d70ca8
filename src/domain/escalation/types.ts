import type { ClockKind } from '../sla/types.js';

export type EscalationStatus = 'active' | 'acknowledged' | 'stopped' | 'exhausted';

/**
 * A running escalation of one ticket, driven by the chain frozen in the ticket's policy snapshot.
 * Instants are epoch ms.
 */
export interface EscalationState {
  /** The clock whose breach (or a manual escalation: 'manual') started it. */
  trigger: ClockKind | 'manual';
  status: EscalationStatus;
  startedAt: number;
  /** Index into chain.levels of the level paged last (or to page next when `pagesAtLevel` is 0). */
  level: number;
  /** Pages sent at the current level (1 + repeats so far). */
  pagesAtLevel: number;
  lastPagedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** When to evaluate again; null when finished. */
  nextCheckAt: number | null;
}

/** Who a page goes to, resolved from the level's target at the instant of paging. */
export interface PageRecipient {
  /** Person handle. */
  person: string;
  /** Why this person: "on call for sre-primary", "lead", "named in chain". */
  reason: string;
}

export type EscalationAction =
  | {
      type: 'page';
      level: number;
      levelName: string;
      /** 1 for the first page at a level, 2.. for repeats. */
      attempt: number;
      recipients: PageRecipient[];
      notifyQueue: boolean;
      at: number;
    }
  | { type: 'deferred'; level: number; until: number; reason: string; at: number }
  | { type: 'exhausted'; at: number }
  | { type: 'no_recipient'; level: number; levelName: string; at: number; reason: string };

export interface EscalationDecision {
  state: EscalationState;
  actions: EscalationAction[];
  /** When to look again; null when the escalation is finished. */
  nextCheckAt: number | null;
}
