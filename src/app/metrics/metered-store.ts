import type {
  EventRepository,
  IntakeRepository,
  Store,
  TicketRepository,
  UnitOfWork,
} from '../../ports/store.js';
import { type ObserveContext, observeCommitted } from './observe-committed.js';
import { Recorder } from './recorder.js';

/** `target` with some methods replaced; the others are its own, bound to it. */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const v = Reflect.get(t, key, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

function recordingTickets(r: TicketRepository, rec: Recorder): TicketRepository {
  return withOverrides(r, {
    get: async (id, opts) => rec.read(await r.get(id, opts)),
    getMany: async (ids) => {
      const found = await r.getMany(ids);
      rec.readAll(found.values());
      return found;
    },
    claimSlaDue: async (now, limit) => rec.readAll(await r.claimSlaDue(now, limit)),
    update: async (t) => rec.wrote(await r.update(t)),
    updateSla: async (changes) => rec.wroteAll(await r.updateSla(changes)),
  });
}

function recordingEvents(r: EventRepository, rec: Recorder, written: () => Promise<void>): EventRepository {
  return withOverrides(r, {
    append: async (ticketId, events, at, actorId) => {
      await r.append(ticketId, events, at, actorId);
      rec.appended(ticketId, events, at);
      await written();
    },
    appendMany: async (entries, at) => {
      await r.appendMany(entries, at);
      for (const e of entries) rec.appended(e.ticketId, e.events, at);
      await written();
    },
  });
}

function recordingIntake(r: IntakeRepository, rec: Recorder, written: () => Promise<void>): IntakeRepository {
  return withOverrides(r, {
    open: async (entries, at) => {
      const opened = rec.wroteAll(await r.open(entries, at));
      // A ticket another replica opened first (a retry racing its original) is its to report.
      const ids = new Set(opened.map((t) => t.id));
      for (const e of entries) if (ids.has(e.ticket.id)) rec.appended(e.ticket.id, e.events, at);
      await written();
      return opened;
    },
  });
}

function recording(uow: UnitOfWork, rec: Recorder, written: () => Promise<void>): UnitOfWork {
  return {
    ...uow,
    tickets: recordingTickets(uow.tickets, rec),
    events: recordingEvents(uow.events, rec, written),
    intake: recordingIntake(uow.intake, rec, written),
  };
}

const nothing = () => Promise.resolve();

/**
 * The store, observed: the timeline events a unit of work appends are reported to the metrics
 * once they have committed (in `transaction`, after COMMIT; without one, as soon as the statement
 * that wrote them returns, since it committed by itself), with the tickets as the unit of work
 * left them. A transaction that rolls back reports nothing. Each change commits in one process,
 * so across replicas every event is counted exactly once.
 */
export function meteredStore(store: Store, ctx: Omit<ObserveContext, 'store'>): Store {
  const observe: ObserveContext = { ...ctx, store };
  return {
    async transaction(fn) {
      const rec = new Recorder();
      const result = await store.transaction((uow) => fn(recording(uow, rec, nothing)));
      await observeCommitted(observe, rec, rec.take());
      return result;
    },
    withoutTransaction(fn) {
      const rec = new Recorder();
      return store.withoutTransaction((uow) =>
        fn(recording(uow, rec, () => observeCommitted(observe, rec, rec.take()))),
      );
    },
  };
}
