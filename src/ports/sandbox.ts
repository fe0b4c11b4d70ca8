/** A message of the sandbox workspace as the browser gets it. */
export interface SandboxMessage {
  id: number;
  channel: string;
  threadId: number | null;
  author: string;
  text: string;
  payload: Record<string, unknown> | null;
  ticketId: number | null;
  createdAt: number;
  editedAt: number | null;
}

export interface SandboxPerson {
  /** The sandbox identity (`ines`), what the browser sends as `as`. */
  id: string;
  name: string;
  roles: string[];
  organization: string | null;
}

export interface SandboxRoom {
  id: string;
  organization: string;
  tier: string;
}

export type NewSandboxMessage = Omit<SandboxMessage, 'id' | 'createdAt' | 'editedAt'> & {
  createdAt: number;
  clientId?: string;
  outboxKey?: string;
};

/** The sandbox platform's own state (its messages, its clock) and its view of the directory. */
export interface SandboxRepository {
  /**
   * Stores a message once: a second insert with the same client id or outbox key returns the
   * message stored first, with `created: false`.
   */
  insert(m: NewSandboxMessage): Promise<{ message: SandboxMessage; created: boolean }>;
  /** `at` is epoch ms. */
  update(
    id: number,
    change: { text: string; payload: Record<string, unknown> | null },
    at: number,
  ): Promise<SandboxMessage | null>;
  get(id: number): Promise<SandboxMessage | null>;
  /** The latest `limit` messages of every channel, oldest first. */
  recent(limit: number): Promise<SandboxMessage[]>;
  latestId(): Promise<number>;
  /** People with a sandbox identity, staff first. */
  people(): Promise<SandboxPerson[]>;
  /** Customer rooms: the sandbox channels linked to an organization. */
  rooms(): Promise<SandboxRoom[]>;
  /** The fast-forward offset of the sandbox clock, in ms. */
  clockOffset(): Promise<number>;
  /** Moves the sandbox clock forward by `ms` (never back); returns the new offset in ms. */
  advanceClock(ms: number): Promise<number>;
  hasOrganizations(): Promise<boolean>;
}
