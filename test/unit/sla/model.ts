/**
 * Reference model of the clocks for property tests: the rules of SLA.md (and the choices documented
 * in src/domain/sla/clocks.ts) replayed naively, with every deadline taken from the oracle.
 */
import type { PolicySnapshot, Priority } from '../../../src/domain/policy.js';
import type { ClockKind, PauseInterval, SlaInput } from '../../../src/domain/sla/types.js';
import { MIN, type OracleCalendar, oracleDeadline, oracleDueBefore } from './oracle.js';

export interface ModelClock {
  kind: ClockKind;
  start: number;
  pauses: PauseInterval[];
  met: number | null;
  stopped: number | null;
  breachedAt: number | null;
}

const newClock = (kind: ClockKind, start: number, paused: boolean): ModelClock => ({
  kind,
  start,
  pauses: paused ? [{ from: start, to: null }] : [],
  met: null,
  stopped: null,
  breachedAt: null,
});

const finished = (c: ModelClock) => c.met !== null || c.stopped !== null;
const paused = (c: ModelClock) => c.pauses.some((p) => p.to === null);
const close = (c: ModelClock, t: number) => {
  c.pauses = c.pauses
    .map((p) => (p.to === null ? { from: p.from, to: Math.max(p.from, t) } : p))
    .filter((p) => p.to === null || p.to > p.from);
};

/** A breach as the model records it: the clock and the instant it breached. */
export interface ModelBreach {
  clock: ClockKind;
  at: number;
}

export class ClockModel {
  status: 'open' | 'waiting' | 'resolved' | 'closed' = 'open';
  resolvedAt: number | null = null;
  clocks: Record<ClockKind, ModelClock | null>;
  /** Every breach so far, in the order found: at its deadline, or at the change that moved it past. */
  breaches: ModelBreach[] = [];

  constructor(
    private readonly snap: PolicySnapshot,
    private readonly oracle: OracleCalendar,
    public priority: Priority,
    openedAt: number,
  ) {
    this.clocks = {
      first_response: newClock('first_response', openedAt, false),
      next_update: null,
      resolution: newClock('resolution', openedAt, false),
    };
  }

  target(kind: ClockKind, priority = this.priority): number | null {
    const t = this.snap.targets[priority];
    const minutes =
      kind === 'first_response'
        ? t.firstResponseMinutes
        : kind === 'resolution'
          ? t.resolutionMinutes
          : t.updateMinutes;
    return minutes === null ? null : minutes * MIN;
  }

  /** The oracle deadline of an unfinished clock; null while paused. */
  due(c: ModelClock): number | null {
    return paused(c) ? null : oracleDeadline(this.oracle, c.start, this.target(c.kind)!, c.pauses);
  }

  private live(): ModelClock[] {
    return Object.values(this.clocks).filter((c): c is ModelClock => c !== null && !finished(c));
  }

  /** Breaches at their deadline every running clock due at or before `t`. */
  private catchUp(t: number): void {
    for (const c of this.live()) {
      if (paused(c) || c.breachedAt !== null) continue;
      const due = oracleDueBefore(this.oracle, c.start, this.target(c.kind)!, c.pauses, t);
      if (due !== undefined && due !== null && due <= t) this.breach(c, due);
    }
  }

  private breach(c: ModelClock, at: number): void {
    c.breachedAt = at;
    this.breaches.push({ clock: c.kind, at });
  }

  /** A deadline already past at `t` after a target change breaches at `t`. */
  private breachIfPast(c: ModelClock, t: number): void {
    if (c.breachedAt !== null) return;
    const due = oracleDueBefore(this.oracle, c.start, this.target(c.kind)!, c.pauses, t);
    if (due !== undefined && due !== null && due <= t) this.breach(c, t);
  }

  private startCadence(t: number): void {
    if (this.target('next_update') === null) return;
    this.clocks.next_update = newClock('next_update', t, this.status === 'waiting');
  }

  apply(input: SlaInput): void {
    if (this.status === 'closed') return;
    const t = input.at;
    this.catchUp(t);
    const { first_response: fr, resolution: res } = this.clocks;
    const nu = this.clocks.next_update;
    const active = this.status === 'open' || this.status === 'waiting';
    switch (input.type) {
      case 'agent_public_reply':
        if (fr && !finished(fr)) fr.met = t;
        if (active) this.startCadence(t);
        return;
      case 'waiting_on_customer':
        if (this.status !== 'open') return;
        this.status = 'waiting';
        for (const c of [nu, res]) if (c && !finished(c) && !paused(c)) c.pauses.push({ from: t, to: null });
        return;
      case 'resumed':
        if (this.status !== 'waiting') return;
        this.status = 'open';
        for (const c of [nu, res]) if (c && !finished(c)) close(c, t);
        return;
      case 'resolved':
        if (!active) return;
        for (const c of this.live()) {
          close(c, t);
          if (c.kind === 'resolution') c.met = t;
          else c.stopped = t;
        }
        this.status = 'resolved';
        this.resolvedAt = t;
        return;
      case 'reopened':
        if (this.status !== 'resolved') return;
        this.status = 'open';
        if (res && res.met !== null) {
          res.met = null;
          if (t > this.resolvedAt!) res.pauses.push({ from: this.resolvedAt!, to: t });
          this.breachIfPast(res, t);
        }
        this.resolvedAt = null;
        if (fr?.met != null) this.startCadence(t);
        return;
      case 'closed':
        for (const c of this.live()) {
          close(c, t);
          c.stopped = t;
        }
        this.status = 'closed';
        return;
      case 'priority_changed':
        this.priority = input.priority;
        for (const c of this.live()) {
          if (this.target(c.kind) === null) {
            close(c, t);
            c.stopped = t;
          } else this.breachIfPast(c, t);
        }
        if ((!this.clocks.next_update || finished(this.clocks.next_update)) && fr?.met != null && active) {
          this.startCadence(t);
        }
        return;
    }
  }

  /** The clock as the implementation should store it (dueAt only for unfinished clocks). */
  expected(kind: ClockKind) {
    const c = this.clocks[kind];
    if (!c) return null;
    return {
      startedAt: c.start,
      pauses: c.pauses,
      metAt: c.met,
      stoppedAt: c.stopped,
      breachedAt: c.breachedAt,
      ...(finished(c) ? {} : { dueAt: this.due(c), targetMs: this.target(kind) }),
    };
  }
}
