import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxBacklog } from '../app/delivery/outbox-backlog.js';
import type { Policy } from '../domain/policy.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics, SurveyAnswerLabels, TicketLabels } from '../ports/metrics.js';
import { escalationBuckets, TICK_BUCKETS, targetBuckets } from './buckets.js';

const TICKET = ['tier', 'priority', 'platform'] as const;
type TicketLabel = (typeof TICKET)[number];

export interface PrometheusOptions {
  /** The loaded policy: its targets are the histograms' bucket bounds. */
  policy: Policy;
  /** Read at each scrape; a failure leaves the backlog out of that scrape. */
  backlog: () => Promise<OutboxBacklog[]>;
  logger: Logger;
}

/** Only the label fields: a caller's object may carry more, which prom-client would refuse. */
const ticketLabels = (l: TicketLabels) => ({ tier: l.tier, priority: l.priority, platform: l.platform });

/** `fn` shared by callers that come while it runs (the two outbox gauges of one scrape: one query). */
function shared<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => {
    running ??= fn().finally(() => {
      running = null;
    });
    return running;
  };
}

/** The histograms of durations, their bounds derived from the policy. */
function histograms(registry: Registry, policy: Policy) {
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram<TicketLabel>({ name, help, labelNames: TICKET, buckets, registers: [registry] });
  const firstResponse = targetBuckets(policy, (t) => t.firstResponseMinutes);
  return {
    firstResponses: histogram(
      'tierdesk_first_response_business_seconds',
      "Opening to first public staff reply, in business seconds on the ticket's calendar; bounds at the tiers' first-response targets.",
      firstResponse,
    ),
    resolutions: histogram(
      'tierdesk_resolution_business_seconds',
      "Opening to first resolution, in business seconds on the ticket's calendar, time waiting on the customer left out; bounds at the tiers' resolution targets.",
      targetBuckets(policy, (t) => t.resolutionMinutes),
    ),
    acknowledgements: histogram(
      'tierdesk_time_to_acknowledge_seconds',
      "Opening to the ticket's acknowledgement (claim, assignment, first public staff reply or page acknowledged), wall-clock seconds; bounds at the first-response targets.",
      firstResponse,
    ),
    pageAckSeconds: histogram(
      'tierdesk_page_acknowledge_seconds',
      "An escalation's first page to its acknowledgement, wall-clock seconds; bounds where the chains page again.",
      escalationBuckets(policy),
    ),
    tick: new Histogram({
      name: 'tierdesk_sla_tick_duration_seconds',
      help: 'Real seconds of one SLA tick in this process (SLA and escalation batches).',
      buckets: TICK_BUCKETS,
      registers: [registry],
    }),
  };
}

function counters(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    opened: counter('tierdesk_tickets_opened_total', 'Tickets opened.', TICKET),
    breaches: counter('tierdesk_sla_breaches_total', 'SLA clocks breached.', [...TICKET, 'clock']),
    pages: counter('tierdesk_pages_sent_total', 'Pages sent (repeats included).', TICKET),
    pagesAcknowledged: counter('tierdesk_pages_acknowledged_total', 'Escalations acknowledged.', TICKET),
    exhausted: counter(
      'tierdesk_escalations_exhausted_total',
      'Escalations that ran out of levels unacknowledged.',
      TICKET,
    ),
    surveys: counter(
      'tierdesk_surveys_answered_total',
      'Survey questions answered (first answer on a scale).',
      ['tier', 'platform', 'scale'],
    ),
  };
}

/**
 * The Metrics port on prom-client, with the process and Node.js default metrics, in a registry
 * of its own. Counters and histograms hold what this process committed (sum them over replicas);
 * the outbox gauges are read from the database at each scrape, so every replica shows the same
 * figure (aggregate them with max(), not sum()).
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly h: ReturnType<typeof histograms>;
  private readonly c: ReturnType<typeof counters>;

  constructor(o: PrometheusOptions) {
    collectDefaultMetrics({ register: this.registry });
    this.c = counters(this.registry);
    this.h = histograms(this.registry, o.policy);
    this.outboxGauges(o);
  }

  private outboxGauges(o: PrometheusOptions): void {
    const read = shared(async () => {
      try {
        return await o.backlog();
      } catch (err) {
        o.logger.warn({ err }, 'metrics: the outbox backlog could not be read');
        return [];
      }
    });
    const gauge = (name: string, help: string, value: (b: OutboxBacklog) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['platform'],
        registers: [this.registry],
        async collect() {
          const rows = await read();
          this.reset();
          for (const b of rows) this.set({ platform: b.platform }, value(b));
        },
      });
    gauge(
      'tierdesk_outbox_pending_messages',
      'Chat messages waiting in the outbox (read from the database: the same in every replica; aggregate with max()).',
      (b) => b.pending,
    );
    gauge(
      'tierdesk_outbox_oldest_pending_age_seconds',
      'Age of the oldest message waiting in the outbox (read from the database: the same in every replica; aggregate with max()).',
      (b) => b.oldestAgeSeconds,
    );
  }

  /** The exposition, in the Prometheus text format of `contentType`. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  ticketOpened(l: TicketLabels): void {
    this.c.opened.inc(ticketLabels(l));
  }
  firstResponse(l: TicketLabels, businessSeconds: number): void {
    this.h.firstResponses.observe(ticketLabels(l), businessSeconds);
  }
  firstResolution(l: TicketLabels, businessSeconds: number): void {
    this.h.resolutions.observe(ticketLabels(l), businessSeconds);
  }
  acknowledged(l: TicketLabels, seconds: number): void {
    this.h.acknowledgements.observe(ticketLabels(l), seconds);
  }
  slaBreached(l: TicketLabels & { clock: string }): void {
    this.c.breaches.inc({ ...ticketLabels(l), clock: l.clock });
  }
  pageSent(l: TicketLabels): void {
    this.c.pages.inc(ticketLabels(l));
  }
  pageAcknowledged(l: TicketLabels, seconds: number | null): void {
    this.c.pagesAcknowledged.inc(ticketLabels(l));
    if (seconds !== null) this.h.pageAckSeconds.observe(ticketLabels(l), seconds);
  }
  escalationExhausted(l: TicketLabels): void {
    this.c.exhausted.inc(ticketLabels(l));
  }
  slaTick(seconds: number): void {
    this.h.tick.observe(seconds);
  }
  surveyAnswered(l: SurveyAnswerLabels): void {
    this.c.surveys.inc({ tier: l.tier, platform: l.platform, scale: l.scale });
  }
}
