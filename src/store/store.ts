import type { Store, UnitOfWork } from '../ports/store.js';
import { DrizzleAdminRepository } from './admin-repo.js';
import type { Db, DbOrTx } from './db.js';
import { DrizzleRotationRepository } from './delivery-repo.js';
import { DrizzleDirectoryRepository } from './directory-repo.js';
import { DrizzleEscalationRepository } from './escalation-repo.js';
import { DrizzleInboxRepository } from './inbox-repo.js';
import { DrizzleIntakeRepository } from './intake-repo.js';
import { DrizzleMaintenanceRepository } from './maintenance-repo.js';
import { DrizzleOutboxRepository } from './outbox-repo.js';
import { DrizzleTicketRepository } from './tickets-repo.js';
import { DrizzleEventRepository, DrizzleMessageRepository } from './timeline-repo.js';

export function unitOfWork(db: DbOrTx): UnitOfWork {
  return {
    intake: new DrizzleIntakeRepository(db),
    tickets: new DrizzleTicketRepository(db),
    events: new DrizzleEventRepository(db),
    messages: new DrizzleMessageRepository(db),
    directory: new DrizzleDirectoryRepository(db),
    escalations: new DrizzleEscalationRepository(db),
    outbox: new DrizzleOutboxRepository(db),
    inbox: new DrizzleInboxRepository(db),
    rotations: new DrizzleRotationRepository(db),
    admin: new DrizzleAdminRepository(db),
    maintenance: new DrizzleMaintenanceRepository(db),
  };
}

/** The Store port over drizzle: each `transaction` is one database transaction. */
export class DrizzleStore implements Store {
  constructor(readonly db: Db) {}

  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(unitOfWork(tx)));
  }

  withoutTransaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return fn(unitOfWork(this.db));
  }
}
