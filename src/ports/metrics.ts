import type { Platform, Priority } from '../domain/policy.js';
import type { ClockKind } from '../domain/sla/types.js';

/**
 * What a ticket's observations are labelled with. Bounded sets only (the policy's tier names, four
 * priorities, three platforms): never an organization, a person or a ticket, which would make one
 * time series per customer and put who they are into the monitoring system.
 */
export interface TicketLabels {
  tier: string;
  priority: Priority;
  /** The platform the ticket was opened on. */
  platform: Platform;
}

/** A survey answer, labelled with bounded sets only (never the score's author or organization). */
export interface SurveyAnswerLabels {
  tier: string;
  platform: Platform;
  scale: 'csat' | 'ces';
}

/**
 * The survey code's one call (it is built apart and calls this once its answer has committed): a
 * ticket's survey answered on one scale. A second tap that changes an answer is not a new answer:
 * call it for the first answer on each scale only.
 */
export interface SurveyMetrics {
  surveyAnswered(labels: SurveyAnswerLabels): void;
}

/**
 * Operational metrics (Prometheus). Every call reports something that has already committed: a
 * transaction that rolls back reports nothing, and each change is reported once, by the process
 * that committed it. Durations are seconds; "business seconds" count only the open hours of the
 * ticket's frozen calendar, as its SLA targets do.
 */
export interface Metrics extends SurveyMetrics {
  ticketOpened(labels: TicketLabels): void;
  /** The first public staff reply: business seconds from opening (the first-response clock). */
  firstResponse(labels: TicketLabels, businessSeconds: number): void;
  /**
   * The ticket's first resolution: business seconds from opening, time waiting on the customer
   * left out (the resolution clock). A resolution after a reopen is not reported again.
   */
  firstResolution(labels: TicketLabels, businessSeconds: number): void;
  /** The ticket's acknowledgement (its `acknowledgedAt`): wall-clock seconds from opening. */
  acknowledged(labels: TicketLabels, seconds: number): void;
  slaBreached(labels: TicketLabels & { clock: ClockKind }): void;
  /** One page (a `page_sent` event; a repeat is another page). */
  pageSent(labels: TicketLabels): void;
  /**
   * An escalation acknowledged; `seconds` wall-clock from its first page, null when it had paged
   * nobody yet.
   */
  pageAcknowledged(labels: TicketLabels, seconds: number | null): void;
  /** An escalation that ran out of levels unacknowledged. */
  escalationExhausted(labels: TicketLabels): void;
  /** One run of the SLA tick (SLA and escalation batches), in real seconds. */
  slaTick(seconds: number): void;
}

export const noopMetrics: Metrics = {
  ticketOpened() {},
  firstResponse() {},
  firstResolution() {},
  acknowledged() {},
  slaBreached() {},
  pageSent() {},
  pageAcknowledged() {},
  escalationExhausted() {},
  slaTick() {},
  surveyAnswered() {},
};
