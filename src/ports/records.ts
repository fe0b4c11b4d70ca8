/**
 * The store's records: what repositories take and give (ports/store.ts declares the repositories).
 */
import type { EscalationState } from '../domain/escalation/types.js';
import type { Platform, PolicySnapshot, Priority, Role } from '../domain/policy.js';
import type { SlaState } from '../domain/sla/types.js';
import type { TicketEvent, TicketStatus } from '../domain/ticket.js';

/** Instants in records are epoch ms. Records are plain data, never ORM objects. */

export interface OrganizationRecord {
  id: number;
  name: string;
  contractValue: number;
  monthlyUsage: number;
  criticalityFlags: string[];
  strategic: boolean;
  criticalSystems: string[];
  tier: string;
  tierReason: string;
  tierOverride: string | null;
}

export interface ChannelLinkRecord {
  platform: Platform;
  channelId: string;
  organizationId: number;
  tierOverride: string | null;
}

export interface PersonRecord {
  id: number;
  handle: string;
  displayName: string;
  email: string | null;
  timezone: string | null;
  organizationId: number | null;
  roles: Role[];
}

export interface IdentityRecord {
  personId: number;
  platform: Platform;
  externalId: string;
  workspaceId: string | null;
}

export interface SkillRecord {
  personId: number;
  domain: string;
  level: number;
  tiers: string[];
}

export interface TicketOrigin {
  platform: Platform;
  channelId: string;
  messageId: string;
  threadRef: string | null;
}

export interface TicketCard {
  platform: Platform;
  channelId: string;
  messageRef: string | null;
}

export interface TicketRecord {
  id: number;
  organizationId: number;
  requesterId: number | null;
  assigneeId: number | null;
  tier: string;
  priority: Priority;
  domain: string;
  status: TicketStatus;
  queue: string;
  subject: string;
  description: string;
  origin: TicketOrigin;
  card: TicketCard | null;
  triageReasons: string[];
  routeReasons: string[];
  candidates: Array<{ handle: string; score: number; reasons: string[] }>;
  policySnapshot: PolicySnapshot;
  sla: SlaState;
  slaNextCheckAt: number | null;
  acknowledgedAt: number | null;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  autoCloseAt: number | null;
  publicReplyCount: number;
  reopenCount: number;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export type NewTicket = Omit<TicketRecord, 'id' | 'version'>;

export interface SlaChange {
  ticket: TicketRecord;
  sla: TicketRecord['sla'];
  slaNextCheckAt: number | null;
  updatedAt: number;
}

export interface MessageRecord {
  id: number;
  ticketId: number;
  platform: Platform;
  externalId: string | null;
  authorId: number | null;
  authorKind: 'customer' | 'agent' | 'bot';
  visibility: 'public' | 'internal';
  text: string;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
}

export type NewMessage = Omit<MessageRecord, 'id' | 'editedAt' | 'deletedAt'>;

export interface EscalationRecord {
  id: number;
  ticketId: number;
  state: EscalationState;
}

export interface StoredEvent {
  id: number;
  ticketId: number;
  at: number;
  actorId: number | null;
  event: TicketEvent;
}
