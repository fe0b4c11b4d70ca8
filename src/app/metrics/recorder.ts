import type { TicketEvent } from '../../domain/ticket.js';
import type { TicketRecord } from '../../ports/store.js';

/** Timeline events one statement appended to one ticket, at `at` (epoch ms). */
export interface AppendedEvents {
  ticketId: number;
  at: number;
  events: TicketEvent[];
}

/**
 * What one unit of work read and wrote that metrics are made of: the tickets as it first read them
 * and as it last wrote them, and the timeline events it appended, which wait here until they have
 * committed.
 */
export class Recorder {
  private readonly firstRead = new Map<number, TicketRecord>();
  private readonly lastWritten = new Map<number, TicketRecord>();
  /** Tickets whose acknowledgement was observed, so two appends of one change report it once. */
  readonly acknowledged = new Set<number>();
  private pending: AppendedEvents[] = [];

  read<T extends TicketRecord | null>(t: T): T {
    if (t && !this.firstRead.has(t.id) && !this.lastWritten.has(t.id)) this.firstRead.set(t.id, t);
    return t;
  }

  readAll<T extends Iterable<TicketRecord>>(ts: T): T {
    for (const t of ts) this.read(t);
    return ts;
  }

  wrote<T extends TicketRecord | null>(t: T): T {
    if (t) this.lastWritten.set(t.id, t);
    return t;
  }

  wroteAll<T extends Iterable<TicketRecord>>(ts: T): T {
    for (const t of ts) this.wrote(t);
    return ts;
  }

  appended(ticketId: number, events: TicketEvent[], at: number): void {
    if (events.length > 0) this.pending.push({ ticketId, at, events });
  }

  /** The ticket before this unit of work changed it; null if it did not read it (or opened it). */
  before(ticketId: number): TicketRecord | null {
    return this.firstRead.get(ticketId) ?? null;
  }

  /** The ticket as this unit of work left it, or as it read it when it did not write it. */
  latest(ticketId: number): TicketRecord | null {
    return this.lastWritten.get(ticketId) ?? this.firstRead.get(ticketId) ?? null;
  }

  /** The appended events not observed yet (call once they have committed). */
  take(): AppendedEvents[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }
}
